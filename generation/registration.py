"""Registering a character's reference clip with a provider that takes characters by id."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import av
from django.core.files.uploadedfile import UploadedFile

from characters.models import Character
from generation.credentials import ProviderCharacter, ProviderCredential
from generation.providers import ProviderError, get_provider
from generation.services import GenerationRefused

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_CLIP_BYTES = 50 * 1024 * 1024
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
    *, character: Character, credential: ProviderCredential, clip: UploadedFile, registered_by: User
) -> ProviderCharacter:
    """Upload the character's 2–4 s clip to the provider and keep the id it gives."""
    if character.owner_id != registered_by.pk:
        raise GenerationRefused("Only the character's owner may upload its likeness.")
    if clip.size is None or clip.size > MAX_CLIP_BYTES:
        raise GenerationRefused("The clip is larger than 50 MB.")
    provider = get_provider(credential.provider, credential.config())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        with path.open("wb") as out:
            for chunk in clip.chunks():
                out.write(chunk)
        seconds = _clip_seconds(path)
        if not CLIP_SECONDS[0] <= seconds <= CLIP_SECONDS[1] + 0.05:
            raise GenerationRefused(f"The clip lasts {seconds:.1f} s: it must last 2 to 4 s.")
        try:
            provider_id = provider.register_character(name=character.name, clip=path)
        except ProviderError as exc:
            raise GenerationRefused(str(exc)) from None
    registration, _ = ProviderCharacter.objects.update_or_create(
        credential=credential,
        character=character,
        defaults={"provider_character_id": provider_id, "registered_by": registered_by},
    )
    return registration
