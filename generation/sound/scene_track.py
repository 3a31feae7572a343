"""A scene's dialogue track on its own: the voiced lines at their places, as a WAV, for the
review room to play with the take (static/js/scene_dialogue.js keeps them in step). It is
stored once per set of lines (served with byte ranges, so the player can seek)."""

from __future__ import annotations

import hashlib
import io
import wave

import numpy as np
from django.core.files.base import ContentFile

from characters.stored_files import local_path
from generation.sound.loudness import RATE
from generation.sound.mix import decode
from generation.sound.models import SceneSound
from generation.sound.speech import VoicedLine, voiced_lines
from projects.models import Scene


def _wav(lines: list[VoicedLine], seconds: float) -> bytes:
    bus = np.zeros((2, round(seconds * RATE)), np.float32)
    for line in lines:
        clip = decode(local_path(line.clip.audio))
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


def scene_track(scene: Scene) -> SceneSound | None:
    """The scene's sound with its dialogue track up to date (48 kHz stereo WAV, as long as
    the shot or the lines); None when the scene has no lines or some are not voiced yet."""
    lines = voiced_lines(scene)
    if not lines:
        return None
    seconds = max(float(scene.duration_seconds), lines[-1].end)
    made_of = [(line.clip.key, round(line.start, 3)) for line in lines] + [seconds]
    key = hashlib.sha256(repr(made_of).encode()).hexdigest()
    sound = SceneSound.objects.get_or_create(scene=scene)[0]
    if sound.dialogue_track_key != key or not sound.dialogue_track:
        old = sound.dialogue_track.name
        sound.dialogue_track.save(f"{key[:16]}.wav", ContentFile(_wav(lines, seconds)), save=False)
        sound.dialogue_track_key = key
        sound.save(update_fields=["dialogue_track", "dialogue_track_key"])
        if old and old != sound.dialogue_track.name:
            sound.dialogue_track.storage.delete(old)
    return sound
