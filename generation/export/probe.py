"""What a take's file holds (size, rate, codec), read with PyAV before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av


class ExportError(Exception):
    """An export cannot go on; the message names the scene and says why."""


@dataclass(frozen=True)
class Clip:
    """One scene of the output: a take's file, or (path None) a slate with its heading."""

    label: str  # "Scene 3 (INT. KITCHEN)": every error about this clip names it
    heading: str
    path: Path | None
    seconds: float  # a slate's length; a take's length comes from its file


@dataclass(frozen=True)
class ClipInfo:
    width: int
    height: int
    rate: Fraction
    seconds: float
    codec: str
    pix_fmt: str
    extradata: bytes
    has_audio: bool


def probe(clip: Clip) -> ClipInfo:
    """Read a take's streams; a missing or unreadable file names its scene."""
    with open_take(clip) as container:
        return read_info(clip, container)


def open_take(clip: Clip) -> av.container.InputContainer:
    """Open a take's file for reading; a missing or unreadable file names its scene."""
    assert clip.path is not None  # noqa: S101 — slates are never opened
    if not clip.path.is_file():
        raise ExportError(f"{clip.label}: the take's video file is missing.")
    try:
        return av.open(str(clip.path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise ExportError(f"{clip.label}: the take's video file cannot be read ({exc}).") from exc


def read_info(clip: Clip, container: av.container.InputContainer) -> ClipInfo:
    """What an open take holds."""
    try:
        if not container.streams.video:
            raise ExportError(f"{clip.label}: the take's file has no video.")
        stream = container.streams.video[0]
        rate = Fraction(str(stream.average_rate or stream.guessed_rate or 24))
        return ClipInfo(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            rate=rate,
            seconds=_seconds(container, stream, rate),
            codec=stream.codec_context.name,
            pix_fmt=stream.codec_context.pix_fmt or "",
            extradata=bytes(stream.codec_context.extradata or b""),
            has_audio=bool(container.streams.audio),
        )
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise ExportError(f"{clip.label}: the take's video file cannot be read ({exc}).") from exc


def _seconds(
    container: av.container.InputContainer, stream: av.VideoStream, rate: Fraction
) -> float:
    if stream.frames:
        return float(stream.frames / rate)
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / 1_000_000
    raise ExportError("the take's video file has no duration")
