"""Shared fixtures: a small named cast of users in one studio, an episode, a real worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections

from comicstudio.celery import app as celery_app
from projects.models import Episode, Membership, Project, Role, Studio
from projects.services import save_script

pytest_plugins = [  # shared fixtures
    "tests.browser", "tests.providers", "tests.prompt_scene",
    "tests.design_world", "tests.continuity_world",
]  # fmt: skip

PASSWORD = "a-test-password-9"  # noqa: S105

SIX_SCENES = """\
INT. KITCHEN - DAY

Mia stirs a pot of soup. Steam rises.

MIA
Almost ready.

EXT. GARDEN - DAY

A cat chases a butterfly between the tomato plants.

INT. KITCHEN - DAY

The soup boils over. Mia jumps back.

MIA
No, no, no!

EXT. STREET - NIGHT

Rain on the windows of a passing tram.

INT. TRAM - NIGHT

Mia sits by the window with a thermos.
[[shot: 8s, close-up, slow push-in]]

EXT. ROOFTOP - NIGHT

Mia and the cat share the soup under the stars.

MIA
Next time, we cook together.
"""


def make_user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def studio(db) -> Studio:  # type: ignore[no-untyped-def]
    return Studio.objects.create(name="Test Studio")


def _member(studio: Studio, username: str, role: str):  # type: ignore[no-untyped-def]
    user = make_user(username)
    Membership.objects.create(studio=studio, user=user, role=role)
    return user


@pytest.fixture
def owner(studio):  # type: ignore[no-untyped-def]
    return _member(studio, "olga_owner", Role.OWNER)


@pytest.fixture
def producer(studio):  # type: ignore[no-untyped-def]
    return _member(studio, "pat_producer", Role.PRODUCER)


@pytest.fixture
def writer(studio):  # type: ignore[no-untyped-def]
    return _member(studio, "wendy_writer", Role.WRITER)


@pytest.fixture
def reviewer(studio):  # type: ignore[no-untyped-def]
    return _member(studio, "rita_reviewer", Role.REVIEWER)


@pytest.fixture
def viewer(studio):  # type: ignore[no-untyped-def]
    return _member(studio, "vic_viewer", Role.VIEWER)


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    other = Studio.objects.create(name="Other Studio")
    return _member(other, "otto_outsider", Role.OWNER)


@pytest.fixture
def episode(studio, writer) -> Episode:  # type: ignore[no-untyped-def]
    project = Project.objects.create(studio=studio, name="Soup Stories")
    episode = Episode.objects.create(project=project, number=1, title="Soup")
    save_script(episode=episode, text=SIX_SCENES, edited_by=writer)
    return episode


def _close_connection(**kwargs: object) -> None:
    close_old_connections()


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A real Celery worker (threads) consuming from the real Redis broker."""
    # Leftover tasks of an earlier test could name ids that exist again: start clean.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    task_postrun.connect(_close_connection, weak=False)
    with start_worker(
        celery_app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=20
    ) as worker:
        yield worker
    task_postrun.disconnect(_close_connection)
    close_old_connections()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Real hashing costs ~0.3 s a user; these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
