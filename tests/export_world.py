"""Episodes whose scenes have real animatic takes (files rendered once per test session)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from characters.stored_files import store_file
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
    name = store_file(source, f"takes/{scene.pk}/{number}/video.mp4")  # MEDIA_ROOT, or a bucket
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


def take_file_with_sound(path: Path, *, seconds: int, width: int = 720, height: int = 1280) -> None:
    """An H.264 + AAC take (as Veo delivers): grey frames and a 440 Hz tone."""
    import math
    from fractions import Fraction

    import av
    import numpy as np

    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=24)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=44100, layout="mono")
        for i in range(seconds * 24):
            frame = av.VideoFrame.from_ndarray(
                np.full((height, width, 3), 128, dtype=np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = i, Fraction(1, 24)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        t = np.arange(seconds * 44100) / 44100
        tone = (0.5 * np.sin(2 * math.pi * 440 * t)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            chunk = av.AudioFrame.from_ndarray(
                tone[None, start : start + 1024], format="flt", layout="mono"
            )
            chunk.sample_rate, chunk.pts, chunk.time_base = 44100, start, Fraction(1, 44100)
            out.mux(audio.encode(chunk))
        out.mux(audio.encode(None))
