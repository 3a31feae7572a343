"""Benchmark the review room on a 30-scene episode: python bench/review_room.py

Uses a throwaway SQLite database, real MP4 takes (PyAV) and an in-memory channel layer;
prints the wall time and query count of each step a reviewer's keyboard triggers.
"""

from __future__ import annotations

import os
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
VAR = tempfile.mkdtemp(prefix="bench-review-")
os.environ["COMICSTUDIO_VAR_DIR"] = VAR
os.environ["COMICSTUDIO_MEDIA_ROOT"] = f"{VAR}/media"
os.environ["DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # as the run command (a session needs its key)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
settings.ALLOWED_HOSTS = ["*"]

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects.models import Episode, Membership, Project, Studio  # noqa: E402
from tests.review_world import episode_of  # noqa: E402


def main() -> None:
    """Open the room, then approve 25 scenes and request changes on 5, timing each answer."""
    call_command("migrate", verbosity=0)
    writer = User.objects.create_user("writer", password="x")  # noqa: S106
    reviewer = User.objects.create_user("reviewer", password="x")  # noqa: S106
    studio = Studio.objects.create(name="Bench")
    Membership.objects.create(studio=studio, user=writer, role="writer")
    Membership.objects.create(studio=studio, user=reviewer, role="reviewer")
    project = Project.objects.create(studio=studio, name="Bench")
    episode = Episode.objects.create(project=project, number=1, title="Bench")
    scenes = episode_of(episode, 30, writer)
    client = Client()
    client.force_login(reviewer)
    hx = {"HX-Request": "true"}

    start = time.perf_counter()
    client.get(reverse("generation:review_room", args=[episode.pk]))
    print(f"{'first page load':<36} {(time.perf_counter() - start) * 1000:8.1f} ms")
    times, counts = [], []
    for index, scene in enumerate(scenes):
        take = scene.takes.get()
        data = {"action": "approve"}
        if index % 6 == 3:
            data = {"action": "request_changes", "reason_code": "style", "note": "Too dark."}
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(
                reverse("generation:decide_take", args=[take.pk]), data, headers=hx
            )
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        counts.append(len(queries))
    print(f"{'decision + next stage (30 steps)':<36} median {statistics.median(times):6.1f} ms"
          f"  max {max(times):6.1f} ms  queries {min(counts)}–{max(counts)}")  # fmt: skip
    start = time.perf_counter()
    client.get(reverse("generation:review_room_scene", args=[episode.pk, scenes[4].pk]), headers=hx)
    print(f"{'move to a scene (J/K/N)':<36} {(time.perf_counter() - start) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
