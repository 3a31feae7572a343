"""Sound pages as their users meet them: a character's voices (privacy as the character, the
owner edits, a sample to hear), music and ambience uploads checked by content, the card's
"lines don't fit" flag, and voicing a scene in a real worker."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from characters.models import Character
from generation.sound.models import CharacterVoice, ProjectSound, SceneSound
from generation.sound.speech import wav_seconds
from projects.services import save_script
from tests.sound_world import add_speech_credential, fake_speech, voice_mia
from tests.waiting import wait_for

__all__ = ["fake_speech"]  # a fixture used by name
from tests.system import command_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def tone(seconds: float, fmt: str = "wav") -> bytes:
    """A real sound file: a 330 Hz tone in a WAV, FLAC or M4A (AAC) container."""
    if fmt == "wav":
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22_050)
            t = np.arange(int(seconds * 22_050)) / 22_050
            out.writeframes((0.3 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2").tobytes())
        return buffer.getvalue()
    buffer = io.BytesIO()
    codec, container = {"flac": ("flac", "flac"), "m4a": ("aac", "ipod"),
                        "mp3": ("libmp3lame", "mp3"), "ogg": ("libopus", "ogg")}[fmt]  # fmt: skip
    with av.open(buffer, "w", format=container) as out:
        rate = 48_000 if codec == "libopus" else 44_100
        stream = out.add_stream(codec, rate=rate, layout="mono")
        t = np.arange(int(seconds * rate)) / rate
        samples = (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)[None, :]
        context = stream.codec_context
        resampler = av.AudioResampler(format=context.format.name, layout="mono", rate=rate,
                                      frame_size=context.frame_size or None)  # fmt: skip
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = rate
        for part in [*resampler.resample(frame), *resampler.resample(None)]:
            out.mux(stream.encode(part))
        out.mux(stream.encode(None))
    return buffer.getvalue()


def test_the_owner_chooses_a_voice_and_hears_a_sample(writer):  # type: ignore[no-untyped-def]
    command_or_skip("espeak-ng", "espeak-ng")
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia", privacy="everyone")
    client = _client(writer)
    page = client.get(f"/characters/{mia.handle}/")
    assert f"/characters/{mia.handle}/voices/" in page.content.decode()  # linked from the character
    saved = client.post(
        f"/characters/{mia.handle}/voices/",
        {"provider": "espeak", "voice": "en+f3", "speed": "1.10", "style_notes": ""},
    )
    assert saved.status_code == 302
    voice = CharacterVoice.objects.get(character=mia)
    assert (voice.provider, voice.voice, str(voice.speed)) == ("espeak", "en+f3", "1.10")
    sample = client.post(
        f"/characters/{mia.handle}/voices/sample/",
        {"provider": "espeak"},
        headers={"HX-Request": "true"},
    )
    assert sample.status_code == 200 and "<audio" in sample.content.decode()
    audio = client.get(f"/characters/{mia.handle}/voices/sample.wav?provider=espeak")
    assert audio["Content-Type"] == "audio/wav"
    assert wav_seconds(b"".join(audio.streaming_content)) > 1.0  # type: ignore[attr-defined]


def test_a_voice_that_the_provider_does_not_have_is_refused_with_a_message(writer):  # type: ignore[no-untyped-def]
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia", privacy="everyone")
    answer = _client(writer).post(
        f"/characters/{mia.handle}/voices/",
        {"provider": "espeak", "voice": "klingon", "speed": "1"},
    )
    assert answer.status_code == 400
    assert "has no voice named" in answer.content.decode()
    assert not CharacterVoice.objects.exists()


def test_a_private_characters_voices_are_unknown_to_others_and_only_the_owner_edits(
    writer, reviewer, outsider
):  # type: ignore[no-untyped-def]
    secret = Character.objects.create(owner=writer, name="Zed", handle="zed", privacy="only_me")
    shared = Character.objects.create(owner=writer, name="Mia", handle="mia", privacy="everyone")
    assert _client(outsider).get(f"/characters/{secret.handle}/voices/").status_code == 404
    assert _client(reviewer).get(f"/characters/{secret.handle}/voices/").status_code == 404
    assert b"Zed" not in _client(reviewer).get("/characters/zed/voices/").content
    refused = _client(reviewer).post(
        f"/characters/{shared.handle}/voices/", {"provider": "espeak", "voice": "en", "speed": "1"}
    )
    assert refused.status_code == 403
    assert "owner" in refused.content.decode()
    assert not CharacterVoice.objects.exists()


@pytest.mark.parametrize("fmt", ["wav", "flac", "m4a", "mp3", "ogg"])
def test_a_music_bed_is_accepted_by_its_content(episode, producer, fmt):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(f"bed.{fmt}", tone(3, fmt))
    answer = _client(producer).post(
        f"/projects/{episode.project_id}/sound/music/", {"file": upload}, follow=True
    )
    assert "Music bed uploaded." in answer.content.decode()
    sound = ProjectSound.objects.get(project=episode.project)
    assert sound.music_name == f"bed.{fmt}" and Path(sound.music.path).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.mp3",
            b"ID3 but really just text, not audio at all" * 50,
            "could not be read as audio",
        ),
        ("blip.wav", None, "too short to hear"),
    ],
)
def test_bad_music_is_refused_with_a_message_and_nothing_is_saved(
    episode, producer, name, content, message
):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content if content is not None else tone(0.2))
    answer = _client(producer).post(
        f"/projects/{episode.project_id}/sound/music/", {"file": upload}, follow=True
    )
    assert message in answer.content.decode()
    sound = ProjectSound.objects.filter(project=episode.project).first()
    assert sound is None or not sound.music


def test_ambience_over_the_size_limit_is_refused(episode, writer, monkeypatch):  # type: ignore[no-untyped-def]
    from generation.sound import uploads

    monkeypatch.setattr(uploads, "AMBIENCE", uploads.Limits(max_bytes=10_000, max_seconds=300))
    monkeypatch.setattr("generation.sound.services.AMBIENCE", uploads.AMBIENCE)
    scene = episode.scenes.first()
    answer = _client(writer).post(
        f"/scenes/{scene.pk}/sound/ambience/",
        {"file": SimpleUploadedFile("rain.wav", tone(2))},
        follow=True,
    )
    assert "the limit is 0 MB" in answer.content.decode()
    assert not SceneSound.objects.filter(scene=scene).exclude(ambience="").exists()


def test_a_reviewer_cannot_upload_ambience(episode, reviewer):  # type: ignore[no-untyped-def]
    scene = episode.scenes.first()
    answer = _client(reviewer).post(
        f"/scenes/{scene.pk}/sound/ambience/", {"file": SimpleUploadedFile("rain.wav", tone(2))}
    )
    assert answer.status_code == 403


def test_the_storyboard_card_flags_lines_too_long_for_the_shot(episode, writer, fake_speech):  # type: ignore[no-untyped-def]
    from generation.sound.speech import voice_scene

    add_speech_credential(episode.project.studio, fake_speech)
    long_line = (
        "I have been stirring this soup since the sun came up and it is still not ready. " * 4
    )
    save_script(
        episode=episode,
        text=episode.script.replace("Almost ready.", long_line.strip()),
        edited_by=writer,
    )
    voice_mia(episode)
    scene = next(s for s in episode.scenes.order_by("position") if s.dialogue)
    board = _client(writer).get(f"/episodes/{episode.pk}/").content.decode()
    assert "Lines don't fit" not in board  # not voiced yet: nothing to say
    voice_scene(scene=scene)
    needed = SceneSound.objects.get(scene=scene).overflow_seconds
    assert needed > 4
    board = _client(writer).get(f"/episodes/{episode.pk}/").content.decode()
    assert f"Lines don't fit: {needed:.1f} s more needed" in board
    assert board.count("Lines don't fit") == 1  # only that scene


@pytest.mark.django_db(transaction=True)
def test_voice_the_lines_runs_in_a_worker_and_shows_their_lengths(
    episode, writer, fake_speech, celery_worker
):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    scene = [s for s in episode.scenes.order_by("position") if s.dialogue][0]
    client = _client(writer)
    before = client.get(f"/scenes/{scene.pk}/sound/").content.decode()
    assert "1 line to voice, about $0.0002." in before  # 13 characters at $15 a million
    answer = client.post(f"/scenes/{scene.pk}/sound/voice/", follow=True)
    assert "Voicing the lines" in answer.content.decode()
    wait_for(
        lambda: SceneSound.objects.filter(scene=scene, dialogue_seconds__isnull=False).exists(),
        timeout=30,
        what="the scene voiced",
    )
    page = client.get(f"/scenes/{scene.pk}/sound/").content.decode()
    assert "they fit" in page and "0.78 s" in page  # "Almost ready." at 0.06 s a character
    assert "Every line is voiced." in page
    spent = client.get(f"/projects/{episode.project_id}/sound/").content.decode()
    assert "Speech so far: $0.0002" in spent
    track = client.get(f"/scenes/{scene.pk}/dialogue.wav")
    assert track["Content-Type"] == "audio/wav"
    assert wav_seconds(b"".join(track.streaming_content)) == pytest.approx(
        scene.duration_seconds, abs=0.01
    )


def test_an_owner_adds_a_speech_credential_that_is_sealed_and_used_for_the_lines(
    episode, owner, producer, fake_speech
):  # type: ignore[no-untyped-def]
    from generation.credentials import ProviderCredential
    from generation.sound.speech import voice_scene
    from tests.providers import SECRET_KEY

    form = {
        "provider": "openai_speech",
        "api_key": SECRET_KEY,
        "base_url": fake_speech.base_url,
        "default_model": "",
        "concurrency_limit": "2",
        "stall_seconds": "600",
        "webhook_secret": "",
    }
    page = (
        _client(owner)
        .post(f"/studios/{episode.project.studio_id}/providers/", form, follow=True)
        .content.decode()
    )
    assert "••••7781" in page and SECRET_KEY not in page
    credential = ProviderCredential.objects.get(provider="openai_speech")
    assert SECRET_KEY not in credential.api_key_sealed
    chosen = _client(producer).post(
        f"/projects/{episode.project_id}/sound/",
        {"speech_provider": "openai_speech", "loudness_target": "-16"},
    )
    assert chosen.status_code == 302
    assert ProjectSound.objects.get(project=episode.project).loudness_target == -16
    voice_mia(episode)
    voice_scene(scene=next(s for s in episode.scenes.order_by("position") if s.dialogue))
    assert fake_speech.requests[-1]["key"] == SECRET_KEY


def test_a_writer_cannot_change_the_projects_sound(episode, writer):  # type: ignore[no-untyped-def]
    answer = _client(writer).post(
        f"/projects/{episode.project_id}/sound/", {"speech_provider": "", "loudness_target": "-23"}
    )
    assert answer.status_code == 403
    assert not ProjectSound.objects.filter(loudness_target=-23).exists()


def test_the_scratch_voice_is_not_offered_without_espeak(writer, monkeypatch):  # type: ignore[no-untyped-def]
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia", privacy="everyone")
    offered = _client(writer).get(f"/characters/{mia.handle}/voices/").content.decode()
    assert 'value="espeak"' in offered
    monkeypatch.setenv("PATH", "/nonexistent")
    hidden = _client(writer).get(f"/characters/{mia.handle}/voices/").content.decode()
    assert 'value="espeak"' not in hidden and "espeak-ng" not in hidden
    refused = _client(writer).post(
        f"/characters/{mia.handle}/voices/", {"provider": "espeak", "voice": "en", "speed": "1"}
    )
    assert refused.status_code == 400 and not CharacterVoice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_voice_all_lines_flags_every_scene_that_does_not_fit_in_a_real_worker(
    episode, writer, producer, fake_speech, celery_worker
):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    long_line = (
        "I have been stirring this soup since the sun came up and it is still not ready. " * 4
    )
    save_script(
        episode=episode,
        text=episode.script.replace("No, no, no!", long_line.strip()),
        edited_by=writer,
    )
    voice_mia(episode)
    answer = _client(producer).post(f"/episodes/{episode.pk}/voice/", follow=True)
    assert "Voicing the lines of 3 scenes of episode 1" in answer.content.decode()
    wait_for(
        lambda: SceneSound.objects.filter(dialogue_seconds__isnull=False).count() == 3,
        timeout=30,
        what="three scenes voiced",
    )
    board = _client(writer).get(f"/episodes/{episode.pk}/").content.decode()
    assert board.count("Lines don't fit") == 1
