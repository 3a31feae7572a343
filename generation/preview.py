"""The prompt preview: exactly what generating a scene would send, and what to fix first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User

from characters.models import Character
from generation.credentials import ProviderCredential
from generation.money.pricing import price_book, scene_cost
from generation.prompt_checks import face_refusal, prompt_warnings
from generation.prompts import CompiledPrompt, compile_scene, shape_of
from projects.models import Scene


@dataclass(frozen=True)
class PromptPreview:
    compiled: CompiledPrompt
    warnings: list[str]
    refusal: str  # non-empty: generating is refused before anything is sent
    cost: Decimal | None
    max_chars: int

    @property
    def length(self) -> int:
        return len(self.compiled.text)


def preview_prompt(*, scene: Scene, viewer: User) -> PromptPreview | None:
    """What the scene's provider would receive; None if a cast member is hidden from the viewer.

    The prompt repeats every cast member's bible word for word, so a viewer who may not
    see one of them does not see the prompt either.
    """
    cast = list(scene.cast.all())
    if Character.objects.visible_to(viewer).filter(pk__in=[c.pk for c in cast]).count() < len(cast):
        return None
    studio_id, provider = scene.episode.project.studio_id, scene.effective_provider
    credential = ProviderCredential.objects.filter(studio_id=studio_id, provider=provider).first()
    compiled = compile_scene(scene, provider=provider, credential=credential)
    book = price_book(studio_id=studio_id, provider=provider)
    return PromptPreview(
        compiled=compiled,
        warnings=prompt_warnings(scene, compiled),
        refusal=face_refusal(compiled),
        cost=scene_cost(scene, book),
        max_chars=shape_of(provider).max_prompt_chars,
    )
