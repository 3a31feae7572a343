"""Finished takes with real media for review tests: an MP4 made with PyAV and a JPEG poster."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.files.base import ContentFile

from generation.models import GenerationStatus, Take
from projects.models import Episode, Scene
from tests.character_media import clip_bytes, image_bytes
from tests.factories import make_take

CLIP_FPS = 10


@cache
def _clip(seconds: float) -> bytes:
    return clip_bytes(seconds, fps=CLIP_FPS)


@cache
def _poster() -> bytes:
    return image_bytes("JPEG", size=(36, 64))


def finished_take(scene: Scene, user: Any, *, number: int = 1, seconds: int = 4) -> Take:
    """A succeeded take of the scene whose video is a real `seconds`-long MP4 at 10 fps."""
    take = make_take(
        scene, user, number=number, generation_status=GenerationStatus.SUCCEEDED,
        progress=100, duration_seconds=seconds,
    )  # fmt: skip
    take.video.save("take.mp4", ContentFile(_clip(seconds)), save=False)
    take.thumbnail.save("take.jpg", ContentFile(_poster()), save=False)
    take.save(update_fields=["video", "thumbnail"])
    return take


def episode_of(episode: Episode, count: int, user: Any) -> list[Scene]:
    """`count` scenes in the episode (replacing its own), each with one finished take."""
    episode.scenes.all().delete()
    scenes = Scene.objects.bulk_create(
        Scene(episode=episode, position=i + 1, heading=f"INT. ROOM {i + 1} - DAY",
              action=f"Beat {i + 1}.", duration_seconds=4)
        for i in range(count)
    )  # fmt: skip
    for scene in scenes:
        finished_take(scene, user)
    return scenes
