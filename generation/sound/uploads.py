"""Checking an uploaded music bed or ambience by its content, never by its name.

The file is decoded whole with PyAV: its container must be WAV, MP3, MP4/M4A (AAC), Ogg
or FLAC and its first audio stream one of the codecs those carry; it must decode without
error, be long enough to hear and not longer than the limit, and stay under the size limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

import av
from django.core.exceptions import ValidationError

# PyAV's format names (a demuxer may name several) → what we call the file, and its suffix.
CONTAINERS = {"wav": ("WAV", ".wav"), "mp3": ("MP3", ".mp3"), "ogg": ("Ogg", ".ogg"),
              "flac": ("FLAC", ".flac"), "mov": ("M4A", ".m4a"), "mp4": ("M4A", ".m4a"),
              "m4a": ("M4A", ".m4a")}  # fmt: skip
CODECS = {"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "mp3", "mp3float",
          "aac", "vorbis", "opus", "flac"}  # fmt: skip
MIN_SECONDS = 0.5
ACCEPTED = "WAV, MP3, AAC/M4A, Ogg (Vorbis, Opus) or FLAC"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_seconds: float


MUSIC = Limits(max_bytes=40 * 1024 * 1024, max_seconds=20 * 60)
AMBIENCE = Limits(max_bytes=15 * 1024 * 1024, max_seconds=5 * 60)


@dataclass(frozen=True)
class CheckedAudio:
    kind: str  # "WAV", "MP3", …
    suffix: str
    seconds: float


def check_audio(file: IO[bytes] | Any, *, size: int, limits: Limits) -> CheckedAudio:
    """The upload's kind and length; ValidationError with a message for the user."""
    if size > limits.max_bytes:
        raise ValidationError(
            f"This file is {size / 1_048_576:.1f} MB; the limit is "
            f"{limits.max_bytes // 1_048_576} MB."
        )
    file.seek(0)
    try:
        with av.open(file, "r") as source:
            names = set(source.format.name.split(","))
            container = next((CONTAINERS[n] for n in names if n in CONTAINERS), None)
            if container is None or not source.streams.audio:
                raise ValidationError(f"This is not an audio file we can use: upload {ACCEPTED}.")
            stream = source.streams.audio[0]
            if stream.codec_context.name not in CODECS:
                raise ValidationError(
                    f"Its sound is {stream.codec_context.name}: upload {ACCEPTED}."
                )
            samples = 0
            for frame in source.decode(stream):
                samples += frame.samples
                if samples / (stream.rate or 1) > limits.max_seconds:
                    break
            seconds = samples / (stream.rate or 1)
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(
            f"This file could not be read as audio (damaged, or not {ACCEPTED})."
        ) from exc
    finally:
        file.seek(0)
    if seconds < MIN_SECONDS:
        raise ValidationError("This sound is too short to hear (under half a second).")
    if seconds > limits.max_seconds:
        raise ValidationError(
            f"This sound is longer than {limits.max_seconds / 60:.0f} minutes; cut it first."
        )
    return CheckedAudio(kind=container[0], suffix=container[1], seconds=round(seconds, 2))
