"""Frames of a take to check: start, middle, end, and one every 2 s (PyAV, decoded once)."""

from __future__ import annotations

from typing import IO

import av
from PIL import Image

EVERY_SECONDS = 2.0
SIDE = 320  # enough for colours and for a judge's look; small to send and to score


def sample_times(duration: float) -> list[float]:
    """The moments sampled: 0, every 2 s, the middle and the last moment, in order."""
    end = max(duration - 0.05, 0.0)
    times = {0.0, round(duration / 2, 2), round(end, 2)}
    t = EVERY_SECONDS
    while t < end:
        times.add(t)
        t += EVERY_SECONDS
    return sorted(times)


def sample_frames(video: IO[bytes]) -> list[tuple[float, Image.Image]]:
    """(time, frame) for each sampled moment: the first decoded frame at or after it."""
    with av.open(video, mode="r") as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
        if not duration and container.duration:
            duration = container.duration / av.time_base
        wanted = sample_times(duration)
        found: list[tuple[float, Image.Image]] = []
        last = None
        for frame in container.decode(stream):
            at, last = float(frame.time or 0.0), frame
            if at + 1e-3 >= wanted[0]:
                found.append((at, _small(frame.to_image())))
                while wanted and at + 1e-3 >= wanted[0]:
                    wanted.pop(0)
            if not wanted:
                break
        if wanted and last is not None:  # the clip ended before the last moment: its end
            found.append((float(last.time or 0.0), _small(last.to_image())))
    return found


def _small(image: Image.Image) -> Image.Image:
    image = image.convert("RGB")
    image.thumbnail((SIDE, SIDE))
    return image
