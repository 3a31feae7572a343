"""Registering a character's stored reference clip with a provider that takes characters by id."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import av

from characters.models import Character
from generation.credentials import ProviderCharacter, ProviderCredential, RegistrationStatus
from generation.providers import ProviderError, get_provider
from generation.services import GenerationRefused

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CLIP_SECONDS = (2.0, 4.0)


def _clip_seconds(path: Path) -> float:
    try:
        with av.open(str(path)) as container:
            if not container.streams.video or container.duration is None:
                raise GenerationRefused("The clip has no video.")
            return float(container.duration / av.time_base)
    except av.error.FFmpegError:
        raise GenerationRefused("The clip is not a video file we can read.") from None


def register_character(
    *, character: Character, credential: ProviderCredential, registered_by: User
) -> ProviderCharacter:
    """Send the character's stored 2–4 s reference clip to the provider and keep the outcome."""
    if character.owner_id != registered_by.pk:
        raise GenerationRefused("Only the character's owner may upload its likeness.")
    if not character.reference_clip:
        raise GenerationRefused("This character has no reference clip yet.")
    provider = get_provider(credential.provider, credential.config())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        with character.reference_clip.open("rb") as clip, path.open("wb") as out:
            for chunk in clip.chunks():
                out.write(chunk)
        # Checked again: a clip stored before the rules changed must not reach the provider.
        seconds = _clip_seconds(path)
        if not CLIP_SECONDS[0] <= seconds <= CLIP_SECONDS[1] + 0.05:
            raise GenerationRefused(f"The clip lasts {seconds:.1f} s: it must last 2 to 4 s.")
        try:
            provider_id = provider.register_character(name=character.name, clip=path)
        except ProviderError as exc:
            _keep(character, credential, registered_by, provider_id="", error=str(exc))
            raise GenerationRefused(str(exc)) from None
    return _keep(character, credential, registered_by, provider_id=provider_id, error="")


def _keep(
    character: Character,
    credential: ProviderCredential,
    registered_by: User,
    *,
    provider_id: str,
    error: str,
) -> ProviderCharacter:
    # A refusal keeps no earlier id: the provider's answer now is what the page shows.
    registration, _ = ProviderCharacter.objects.update_or_create(
        credential=credential,
        character=character,
        defaults={
            "provider_character_id": provider_id,
            "status": RegistrationStatus.FAILED if error else RegistrationStatus.REGISTERED,
            "error": error,
            "registered_by": registered_by,
        },
    )
    return registration
