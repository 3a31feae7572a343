"""An export with voices and a music bed, measured with an independent meter (pyloudnorm,
ITU-R BS.1770): loudness on target, true peak under the ceiling, the music ducked while a
line plays, subtitles at the voices' times, and an unchanged line never voiced twice."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pysubs2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from scipy.signal import resample_poly

from generation.export.models import Export, ExportStatus
from generation.export.services import run_export, start_export
from generation.sound.models import ProjectSound, SceneSound, TakeAudio
from projects.services import save_script
from tests.export_world import MATCHING, approve_all, take_file_with_sound
from tests.fake_speech import speech_seconds
from tests.sound_world import add_speech_credential, fake_speech, recast_mia, voice_mia

__all__ = ["fake_speech"]  # a fixture used by name
from tests.system import command_or_skip

pytestmark = pytest.mark.django_db
RATE = 48_000
MUSIC_HZ = (2000.0, 3000.0)  # far above the fake voices' harmonics: measurable on its own


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def music_wav(seconds: float = 30.0) -> bytes:
    t = np.arange(int(seconds * 44_100)) / 44_100
    tone = sum(0.25 * np.sin(2 * np.pi * hz * t) for hz in MUSIC_HZ)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44_100)
        pcm = (np.repeat(tone[:, None], 2, axis=1) * 32767).astype("<i2")
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _with_music(episode) -> None:  # type: ignore[no-untyped-def]
    sound = ProjectSound.objects.get(project=episode.project)
    sound.music.save("bed.wav", ContentFile(music_wav()), save=False)
    sound.music_name = "bed.wav"
    sound.save()


def _export_now(episode, user) -> Export:  # type: ignore[no-untyped-def]
    export = start_export(episode=episode, kind="final", requested_by=user)
    assert run_export(export.pk) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    return export


def _audio(export: Export) -> np.ndarray:
    """The export's sound as (samples, 2), decoded with PyAV."""
    with av.open(str(Path(settings.MEDIA_ROOT, export.video.name))) as container:
        stream = container.streams.audio[0]
        assert stream.rate == RATE
        frames = [f.to_ndarray() for f in container.decode(stream)]
    return np.concatenate(frames, axis=1).T.astype(np.float64)


def _band_level(samples: np.ndarray, start: float, end: float) -> float:
    """The music's level (dB) in a stretch: the spectrum's energy at its two tones."""
    part = samples[round(start * RATE) : round(end * RATE), 0]
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
    freqs = np.fft.rfftfreq(len(part), 1 / RATE)
    energy = sum(spectrum[np.abs(freqs - hz) < 20].max() for hz in MUSIC_HZ)
    return float(20 * np.log10(energy / len(part)))


def _cues(export: Export) -> list[pysubs2.SSAEvent]:
    return list(pysubs2.load(str(Path(settings.MEDIA_ROOT, export.subtitles_srt.name))))


def test_an_export_with_voices_and_music_meets_the_loudness_target_and_ducks_the_music(
    episode, producer, writer, fake_speech
):  # type: ignore[no-untyped-def]
    approve_all(episode, writer, MATCHING)
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    _with_music(episode)
    export = _export_now(episode, producer)

    samples = _audio(export)
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(samples)
    assert abs(loudness - (-14)) <= 1.0
    true_peak = 20 * np.log10(np.abs(resample_poly(samples, 4, 1, axis=0)).max())
    assert true_peak <= -1.0
    assert export.report["loudness"]["target_lufs"] == -14

    cues = _cues(export)
    assert [c.plaintext for c in cues] == [
        "Almost ready.",
        "No, no, no!",
        "Next time, we cook together.",
    ]
    for cue in cues:  # subtitles follow the voices: each cue lasts exactly its line
        assert (cue.end - cue.start) / 1000 == pytest.approx(
            speech_seconds(cue.plaintext), abs=0.01
        )
    places = export.report["scenes"]
    silent_scene = places[1]  # the garden: no dialogue, the music alone, after the fade-in
    between = _band_level(samples, silent_scene[0] + 0.5, silent_scene[1] - 0.5)
    for cue in cues:
        during = _band_level(samples, cue.start / 1000 + 0.2, cue.end / 1000 - 0.1)
        assert between - during >= 8.0, (cue.plaintext, between, during)


def test_reexporting_after_one_line_changed_voices_exactly_one_line(
    episode, producer, writer, fake_speech
):  # type: ignore[no-untyped-def]
    approve_all(episode, writer, MATCHING)
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    _export_now(episode, producer)
    assert len(fake_speech.spoken) == 3
    _export_now(episode, producer)
    assert len(fake_speech.spoken) == 3  # nothing changed: nothing paid
    save_script(episode=episode, text=episode.script.replace("No, no, no!", "Oh no!"),
                edited_by=writer)  # fmt: skip
    episode.refresh_from_db()
    recast_mia(episode)
    _export_now(episode, producer)
    assert fake_speech.spoken[3:] == ["Oh no!"]


def test_take_sound_is_kept_ducked_or_muted_per_scene_at_a_broadcast_target(
    episode, producer, writer
):  # type: ignore[no-untyped-def]
    takes = approve_all(episode, writer, MATCHING)
    scenes = list(episode.scenes.order_by("position"))
    for index in (1, 3, 4):
        take_file_with_sound(Path(settings.MEDIA_ROOT, takes[index].video.name),
                             seconds=scenes[index].duration_seconds)  # fmt: skip
    SceneSound.objects.create(scene=scenes[3], take_audio=TakeAudio.MUTE)
    SceneSound.objects.create(scene=scenes[4], take_audio=TakeAudio.DUCK)
    ProjectSound.objects.create(project=episode.project, loudness_target=-23)
    export = _export_now(episode, producer)
    samples = _audio(export)
    places = export.report["scenes"]

    def level(index: int) -> float:
        start, end = places[index]
        part = samples[round((start + 0.1) * RATE) : round((end - 0.1) * RATE)]
        return float(np.sqrt((part**2).mean()))

    assert level(1) > 0.02 and level(3) == 0.0  # kept; muted
    assert level(4) / level(1) == pytest.approx(10 ** (-10 / 20), rel=0.1)  # ducked by 10 dB
    assert abs(pyloudnorm.Meter(RATE).integrated_loudness(samples) - (-23)) <= 1.0
    assert export.report["loudness"]["target_lufs"] == -23


def test_a_changed_voice_or_music_makes_the_export_out_of_date(episode, producer, writer):  # type: ignore[no-untyped-def]
    from generation.export.services import is_stale
    from generation.sound.models import CharacterVoice

    command_or_skip("espeak-ng", "espeak-ng")
    approve_all(episode, writer, MATCHING)
    voice_mia(episode, provider="espeak")
    export = _export_now(episode, producer)
    assert not is_stale(export)
    CharacterVoice.objects.filter(provider="espeak").update(voice="en+m3")
    assert is_stale(export)
    export = _export_now(episode, producer)
    _with_music(episode)
    assert is_stale(export)
