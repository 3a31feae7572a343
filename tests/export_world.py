"""Episodes whose scenes have real animatic takes (files rendered once per test session)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from generation.animatic_render import AnimaticSpec, render_animatic
from generation.models import GenerationStatus, ReviewStatus, Take
from projects.models import Episode
from tests.factories import make_take

_RENDERED = Path(tempfile.mkdtemp(prefix="export-takes-"))

# Mixed sizes and frame rates: (width, height, fps). The third is landscape (pillar-boxed).
MIXED = [(720, 1280, 12), (720, 1280, 24), (1280, 720, 12), (540, 960, 15), (720, 1280, 12),
         (360, 640, 25)]  # fmt: skip
MATCHING = [(720, 1280, 12)] * 6


def rendered_take_file(heading: str, seconds: int, width: int, height: int, fps: int) -> Path:
    """A real H.264 animatic, rendered once per distinct shape and reused."""
    path = _RENDERED / f"{abs(hash(heading))}-{seconds}-{width}x{height}-{fps}.mp4"
    if not path.exists():
        spec = AnimaticSpec(heading=heading, action="", dialogue=(), duration_seconds=seconds,
                            width=width, height=height, fps=fps)  # fmt: skip
        render_animatic(spec, video_path=path, thumbnail_path=path.with_suffix(".jpg"))
    return path


def add_take(scene, user, shape, *, approved: bool = True, number: int = 1) -> Take:  # type: ignore[no-untyped-def]
    """A succeeded take of the scene with a real video file of the given shape."""
    width, height, fps = shape
    source = rendered_take_file(scene.heading, scene.duration_seconds, width, height, fps)
    name = f"takes/{scene.pk}/{number}/video.mp4"
    target = Path(settings.MEDIA_ROOT, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return make_take(
        scene,
        user,
        number=number,
        width=width,
        height=height,
        duration_seconds=scene.duration_seconds,
        generation_status=GenerationStatus.SUCCEEDED,
        review_status=ReviewStatus.APPROVED if approved else ReviewStatus.UNREVIEWED,
        video=name,
    )


def approve_all(episode: Episode, user, shapes=MIXED) -> list[Take]:  # type: ignore[no-untyped-def]
    scenes = list(episode.scenes.order_by("position"))
    return [add_take(scene, user, shape) for scene, shape in zip(scenes, shapes, strict=True)]
