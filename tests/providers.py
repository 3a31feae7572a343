"""Fixtures for tests against the fake provider server: a running fake, credentials, batches."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet

from comicstudio.embedded_redis import free_port
from generation.credentials import ProviderCredential
from generation.models import GenerationStatus, Take
from projects.models import Episode, Project, Scene
from projects.services import save_script
from tests.fake_provider import FakeProvider

SECRET_KEY = "sk-test-Sup3rSecretProviderKey-7781"  # noqa: S105
FINAL = {
    GenerationStatus.SUCCEEDED,
    GenerationStatus.FAILED,
    GenerationStatus.BLOCKED,
    GenerationStatus.STALLED,
    GenerationStatus.CANCELLED,
    GenerationStatus.NEEDS_ATTENTION,
}


TEST_CREDENTIALS_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def credentials_key(settings):  # type: ignore[no-untyped-def]
    """Tests run with DEBUG off, as production does: the key must be set."""
    settings.COMICSTUDIO_CREDENTIALS_KEY = TEST_CREDENTIALS_KEY


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    server = FakeProvider(latency=1.0).start()
    yield server
    server.stop()


@pytest.fixture
def fast_engine(settings):  # type: ignore[no-untyped-def]
    settings.COMICSTUDIO_POLL_SECONDS = 0.2
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    settings.COMICSTUDIO_MAX_BACKOFF_SECONDS = 1
    settings.COMICSTUDIO_RECONCILE_GRACE_SECONDS = 1
    settings.COMICSTUDIO_WATCH_POLL_SECONDS = 0.3
    return settings


def add_credential(
    studio, fake: FakeProvider, provider: str = "openai", **fields
) -> ProviderCredential:  # type: ignore[no-untyped-def]
    base_url = fake.openai_base_url if provider == "openai" else fake.veo_base_url
    api_key = fields.pop("api_key", SECRET_KEY)
    fields.setdefault("concurrency_limit", 4)
    credential = ProviderCredential(studio=studio, provider=provider, base_url=base_url, **fields)
    credential.set_api_key(api_key)
    credential.save()
    _seed_published_prices()  # the door prices every paid take; transactional tests flush them
    return credential


def _seed_published_prices() -> None:
    from django.apps import apps

    importlib.import_module("generation.migrations.0004_seed_list_prices").seed(apps, None)


def add_refusing_credential(studio, **fields) -> ProviderCredential:  # type: ignore[no-untyped-def]
    """An OpenAI-compatible credential whose base URL refuses every connection."""
    credential = ProviderCredential(
        studio=studio, provider="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", **fields
    )
    credential.set_api_key(SECRET_KEY)
    credential.save()
    _seed_published_prices()  # the door prices every paid take
    return credential


def batch_episode(studio, writer, actions: list[str], provider: str = "openai") -> Episode:  # type: ignore[no-untyped-def]
    """An episode with one scene per action, on a project using `provider`."""
    name = f"Batch {provider} {Project.objects.count() + 1}"  # names are unique per studio
    project = Project.objects.create(studio=studio, name=name, provider=provider)
    episode = Episode.objects.create(project=project, number=1, title="Batch")
    script = "\n".join(
        f"INT. ROOM {i} - DAY\n\n{action}\n" for i, action in enumerate(actions, start=1)
    )
    save_script(episode=episode, text=script, edited_by=writer)
    return episode


def scenes_of(episode: Episode) -> list[Scene]:
    return list(Scene.objects.filter(episode=episode).order_by("position"))


def all_final(takes: list[Take]) -> bool:
    for take in takes:
        take.refresh_from_db()
    return all(t.generation_status in FINAL for t in takes)


@pytest.fixture
def list_prices(db) -> None:  # type: ignore[no-untyped-def]
    """The published prices the data migration seeds (flushed by transactional tests)."""
    from django.apps import apps

    seeding = importlib.import_module("generation.migrations.0004_seed_list_prices")
    seeding.seed(apps, None)
