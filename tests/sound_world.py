"""Fixtures for sound tests: a fake speech server, a speech credential, a voiced cast."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from characters.models import Character
from generation.credentials import ProviderCredential
from generation.sound.models import CharacterVoice, ProjectSound
from projects.models import Episode
from tests.fake_speech import FakeSpeech
from tests.providers import SECRET_KEY


@pytest.fixture
def fake_speech() -> Iterator[FakeSpeech]:
    server = FakeSpeech().start()
    yield server
    server.stop()


def add_speech_credential(studio, fake: FakeSpeech, **fields) -> ProviderCredential:  # type: ignore[no-untyped-def]
    """The studio's OpenAI-compatible speech credential, pointed at the fake."""
    api_key = fields.pop("api_key", SECRET_KEY)
    credential = ProviderCredential(studio=studio, provider="openai_speech",
                                    base_url=fake.base_url, **fields)  # fmt: skip
    credential.set_api_key(api_key)
    credential.save()
    return credential


def voice_mia(episode: Episode, provider: str = "openai_speech") -> Character:
    """Mia, cast in every scene she speaks in, with a voice for `provider`; the project
    speaks with that provider."""
    owner = episode.project.studio.memberships.first().user  # type: ignore[union-attr]
    mia = Character.objects.create(owner=owner, name="Mia", handle="mia", privacy="everyone")
    for scene in episode.scenes.all():
        if any(d.get("speaker") == "MIA" for d in scene.dialogue):
            scene.cast.add(mia)
    CharacterVoice.objects.create(character=mia, provider=provider, voice="coral",
                                  style_notes="warm, a little tired")  # fmt: skip
    ProjectSound.objects.update_or_create(project=episode.project,
                                          defaults={"speech_provider": provider})  # fmt: skip
    return mia


def recast_mia(episode: Episode) -> None:
    """After a script edit (the breakdown reads the cast again), Mia is cast where she speaks."""
    mia = Character.objects.get(handle="mia")
    for scene in episode.scenes.all():
        if any(d.get("speaker") == "MIA" for d in scene.dialogue):
            scene.cast.add(mia)
