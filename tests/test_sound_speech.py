"""Voicing dialogue: the real openai SDK against a fake speech server, the espeak-ng scratch
voice, the line cache, the fit check, backoff and the budget."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from generation.credentials import ProjectGenerationSettings
from generation.money.budget import project_budget
from generation.sound.models import DialogueClip, ProjectSound, SceneSound
from generation.sound.providers import EspeakProvider, Line, OpenAISpeechProvider
from generation.sound.speech import VoicingFailed, voice_line, voice_scene, wav_seconds
from projects.services import save_script
from tests.fake_speech import speech_seconds
from tests.providers import SECRET_KEY
from tests.sound_world import add_speech_credential, fake_speech, recast_mia, voice_mia
from tests.system import command_or_skip

pytestmark = pytest.mark.django_db
__all__ = ["fake_speech"]  # a fixture used by name


def _speaking(episode):  # type: ignore[no-untyped-def]
    return [s for s in episode.scenes.order_by("position") if s.dialogue]


def test_the_openai_sdk_speaks_a_line_with_the_credentials_base_url(studio, fake_speech):  # type: ignore[no-untyped-def]
    credential = add_speech_credential(studio, fake_speech)
    speech = OpenAISpeechProvider(credential.config()).synthesise(
        Line(text="Almost ready.", voice="coral", speed=1.25, instructions="warm")
    )
    request = fake_speech.requests[-1]
    assert request["key"] == SECRET_KEY
    assert request["body"] == {"model": "gpt-4o-mini-tts", "voice": "coral",
                               "input": "Almost ready.", "speed": 1.25,
                               "response_format": "wav", "instructions": "warm"}  # fmt: skip
    assert wav_seconds(speech.wav) == pytest.approx(speech_seconds("Almost ready.", 1.25), abs=0.01)


def test_a_revoked_key_is_refused_with_a_message_that_never_shows_the_key(studio, fake_speech):  # type: ignore[no-untyped-def]
    credential = add_speech_credential(studio, fake_speech, api_key="sk-revoked-abcd")
    with pytest.raises(Exception) as refused:
        OpenAISpeechProvider(credential.config()).synthesise(Line(text="Hi.", voice="coral"))
    assert "refused this studio's credential" in str(refused.value)
    assert "sk-revoked" not in str(refused.value)


def test_the_scratch_voice_speaks_longer_lines_for_longer(db):  # type: ignore[no-untyped-def]
    command_or_skip("espeak-ng", "espeak-ng")
    assert EspeakProvider.is_available()
    provider = EspeakProvider()
    short = wav_seconds(provider.synthesise(Line(text="No.", voice="en")).wav)
    sentence = "Next time, we cook together, you and me and the cat."
    long = wav_seconds(provider.synthesise(Line(text=sentence, voice="en")).wav)
    assert 0.2 < short < long


def test_the_scratch_voice_is_hidden_without_espeak(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", "/nonexistent")
    assert not EspeakProvider.is_available()


def test_a_scene_is_voiced_with_the_speakers_voice_and_its_need_recorded(episode, fake_speech):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    scene = _speaking(episode)[0]
    voiced, paid = voice_scene(scene=scene)
    assert paid == 1 and [v.text for v in voiced] == ["Almost ready."]
    assert fake_speech.requests[-1]["body"]["voice"] == "coral"
    assert fake_speech.requests[-1]["body"]["instructions"] == "warm, a little tired"
    assert voiced[0].end - voiced[0].start == pytest.approx(
        speech_seconds("Almost ready."), abs=0.01
    )
    sound = SceneSound.objects.get(scene=scene)
    assert sound.dialogue_seconds == pytest.approx(voiced[0].end + 0.25, abs=0.01)
    assert sound.overflow(scene.duration_seconds) == 0


def test_changing_one_line_voices_exactly_that_line_again(episode, writer, fake_speech):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    for scene in _speaking(episode):
        voice_scene(scene=scene)
    assert len(fake_speech.spoken) == 3
    save_script(episode=episode, text=episode.script.replace("Almost ready.", "Almost there."),
                edited_by=writer)  # fmt: skip
    episode.refresh_from_db()
    recast_mia(episode)
    for scene in _speaking(episode):
        voice_scene(scene=scene)
    assert fake_speech.spoken[3:] == ["Almost there."]


def test_a_line_too_long_for_its_shot_is_flagged_with_the_seconds_needed(
    episode, writer, fake_speech
):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    long_line = (
        "I have been stirring this soup since the sun came up, and it is still not ready. " * 4
    )
    save_script(episode=episode, text=episode.script.replace("Almost ready.", long_line.strip()),
                edited_by=writer)  # fmt: skip
    voice_mia(episode)
    scene = _speaking(episode)[0]
    voice_scene(scene=scene)
    needed = SceneSound.objects.get(scene=scene).overflow(scene.duration_seconds)
    expected = 0.25 + speech_seconds(long_line.strip()) + 0.25 - scene.duration_seconds
    assert needed == pytest.approx(expected, abs=0.1) and needed > 4


def test_a_busy_provider_is_waited_for_and_the_line_paid_once(episode, fake_speech, settings):  # type: ignore[no-untyped-def]
    settings.COMICSTUDIO_MAX_BACKOFF_SECONDS = 1
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    fake_speech.busy_next = 2
    voice_scene(scene=_speaking(episode)[0])
    assert [r["status"] for r in fake_speech.requests] == [429, 429, 200]
    assert DialogueClip.objects.count() == 1


def test_speech_costs_count_against_the_budget_and_a_line_over_it_is_refused(episode, fake_speech):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    scenes = _speaking(episode)
    voice_scene(scene=scenes[0])
    spent = project_budget(episode.project).spent
    assert spent == Decimal("15") * len("Almost ready.") / 1_000_000
    ProjectGenerationSettings.objects.update_or_create(project=episode.project,
                                                      defaults={"budget": spent})  # fmt: skip
    with pytest.raises(VoicingFailed, match="left of its"):
        voice_scene(scene=scenes[1])
    assert len(fake_speech.spoken) == 1
    assert "left of its" in SceneSound.objects.get(scene=scenes[1]).voicing_error


def test_without_a_speech_provider_nothing_is_voiced(episode, fake_speech):  # type: ignore[no-untyped-def]
    ProjectSound.objects.create(project=episode.project)
    assert voice_scene(scene=_speaking(episode)[0]) == ([], 0)
    assert fake_speech.requests == []


@pytest.mark.django_db(transaction=True)
def test_speech_calls_stay_within_the_credentials_concurrency(episode, fake_speech):  # type: ignore[no-untyped-def]
    # Ids repeat between tests: a pace an earlier test's 429s halved must not carry over.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    add_speech_credential(episode.project.studio, fake_speech, concurrency_limit=2)
    fake_speech.latency = 0.3
    lines = [Line(text=f"Line number {i}.", voice="coral") for i in range(6)]
    paid = []

    def speak(line: Line) -> None:
        try:
            paid.append(
                voice_line(
                    studio_id=episode.project.studio_id,
                    provider="openai_speech",
                    line=line,
                    project=episode.project,
                )[1]
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=speak, args=(line,)) for line in lines * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake_speech.max_in_flight == 2  # never more than the credential allows
    assert sorted(fake_speech.spoken) == sorted(line.text for line in lines)  # each paid once
    assert paid.count(True) == 6 and DialogueClip.objects.count() == 6


def test_a_cast_member_the_requester_may_no_longer_use_is_not_voiced_nor_named(
    episode, writer, fake_speech
):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    mia = voice_mia(episode)
    scene = _speaking(episode)[0]
    voice_scene(scene=scene, requested_by=writer)  # allowed while Mia is everyone's
    assert len(fake_speech.spoken) == 1

    mia.privacy = "only_me"
    mia.owner = User.objects.create_user("mia-owner")
    mia.save()
    scene.dialogue = [{"speaker": "MIA", "line": "A new line, never paid."}]
    scene.save()
    with pytest.raises(VoicingFailed) as refused:
        voice_scene(scene=scene, requested_by=writer)

    assert "can no longer use" in str(refused.value) and "Mia" not in str(refused.value)
    assert len(fake_speech.spoken) == 1  # nothing was paid for her voice
    assert SceneSound.objects.get(scene=scene).voicing_error == str(refused.value)
