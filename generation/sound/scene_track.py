"""A scene's dialogue track on its own: the voiced lines at their places, as a WAV, for the
review room to play with the take (static/js/scene_dialogue.js keeps them in step)."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
from django.conf import settings

from generation.sound.loudness import RATE
from generation.sound.mix import decode
from generation.sound.speech import voiced_lines
from projects.models import Scene


def scene_track(scene: Scene) -> bytes | None:
    """The WAV (48 kHz stereo, 16-bit) of the scene's voiced lines; None when the scene has
    no lines or some are not voiced yet."""
    lines = voiced_lines(scene)
    if not lines:
        return None
    seconds = max(float(scene.duration_seconds), lines[-1].end)
    bus = np.zeros((2, round(seconds * RATE)), np.float32)
    for line in lines:
        clip = decode(Path(settings.MEDIA_ROOT, str(line.clip.audio.name)))
        begin = round(line.start * RATE)
        end = min(bus.shape[1], begin + clip.shape[1])
        bus[:, begin:end] += clip[:, : end - begin]
    pcm = (np.clip(bus.T, -1, 1) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()
