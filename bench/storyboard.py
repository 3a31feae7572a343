"""Benchmark breakdown and the storyboard at 200 scenes: python bench/storyboard.py

Uses a throwaway SQLite database, an in-memory channel layer and cache; prints wall times
and query counts.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
VAR = tempfile.mkdtemp(prefix="bench-storyboard-")
os.environ["COMICSTUDIO_VAR_DIR"] = VAR
os.environ["DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # as the run command (a session needs its key)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The run command's Redis is not running here: cards are cached in this process instead.
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
settings.ALLOWED_HOSTS = ["*"]

from comicstudio.celery import app as celery_app  # noqa: E402

# Tasks are only enqueued (the answer's time is measured, not the work's).
celery_app.conf.broker_url = "memory://"

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from projects import scene_edits  # noqa: E402
from projects.breakdown import plan_breakdown  # noqa: E402
from projects.models import Episode, Membership, Project, Studio  # noqa: E402
from projects.screenplay import parse_script  # noqa: E402
from projects.services import save_script  # noqa: E402
from tests.scripts import long_script  # noqa: E402


def timed(label: str, action, repeat: int = 1):  # type: ignore[no-untyped-def]
    """Run `action` `repeat` times; print the mean wall and CPU time and queries of one run.

    On a shared machine the wall time follows the load; this process's CPU time much less.
    """
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            result = action()
        wall = (time.perf_counter() - start) / repeat
        cpu = (time.process_time() - cpu) / repeat
    print(f"{label:<48} {wall * 1000:8.1f} ms  {len(queries) // repeat:5d} queries")
    print(f"{label + ', CPU':<48} {cpu * 1000:8.1f} ms")
    return result


def main() -> None:
    """Parse, break down, re-break down, render and reorder a 200-scene episode."""
    call_command("migrate", verbosity=0)
    writer = User.objects.create_user("writer", password="x")  # noqa: S106
    studio = Studio.objects.create(name="Bench")
    Membership.objects.create(studio=studio, user=writer, role="writer")
    episode = Episode.objects.create(
        project=Project.objects.create(studio=studio, name="Bench"), number=1, title="Bench"
    )
    text = long_script(200)
    timed("parse 200 scenes", lambda: parse_script(text), repeat=20)
    timed(
        "first breakdown, 200 scenes (plan + apply)",
        lambda: save_script(episode=episode, text=text, edited_by=writer),
    )
    edited = text.replace("Beat 100.", "Beat one hundred.")
    timed(
        "summary of a one-scene edit (plan only)",
        lambda: plan_breakdown(episode=episode, text=edited, user=writer),
        repeat=5,
    )
    timed(
        "apply that edit (199 scenes kept)",
        lambda: save_script(episode=episode, text=edited, edited_by=writer),
    )
    client = Client()
    client.force_login(writer)
    url = reverse("board:storyboard", kwargs={"episode_id": episode.pk})
    timed("storyboard page, 200 cards", lambda: client.get(url), repeat=5)
    ids = list(episode.scenes.order_by("-position").values_list("pk", flat=True))
    timed(
        "reorder 200 scenes (and write the script back)",
        lambda: scene_edits.reorder_scenes(episode=episode, order=ids),
    )
    reorder = reverse("board:reorder_scenes", kwargs={"episode_id": episode.pk})
    order = ",".join(str(pk) for pk in reversed(ids))
    timed(
        "reorder view, 200 scenes (answer with the grid)",
        lambda: client.post(reorder, {"order": order}, HTTP_HX_REQUEST="true"),
    )
    producer = User.objects.create_user("producer", password="x")  # noqa: S106
    Membership.objects.create(studio=studio, user=producer, role="producer")
    fifty = Episode.objects.create(project=episode.project, number=2, title="Fifty")
    save_script(episode=fifty, text=long_script(50), edited_by=writer)
    client.force_login(producer)
    generate = reverse("generation:generate_all", kwargs={"episode_id": fifty.pk})
    answer = timed(
        "Generate all, 50 scenes (the answer; takes queued)",
        lambda: client.post(generate, HTTP_HX_REQUEST="true"),
    )
    print(f"  {answer.status_code}: {fifty.scenes.filter(takes__isnull=False).count()} with a take")
    # An approve from the review room, on a finished take of the 200-scene episode.
    from generation.models import Take

    take = Take.objects.filter(scene__episode=episode).first() or Take.objects.create(
        scene=episode.scenes.order_by("position").first(),
        number=1,
        requested_by=producer,
        provider="animatic",
        prompt="p",
        duration_seconds=4,
        width=720,
        height=1280,
    )
    Take.objects.filter(pk=take.pk).update(generation_status="succeeded")
    reviewer = User.objects.create_user("reviewer", password="x")  # noqa: S106
    Membership.objects.create(studio=studio, user=reviewer, role="reviewer")
    client.force_login(reviewer)
    decide = reverse("generation:decide_take", args=[take.pk])
    approved = timed(
        "approve in the review room, 200-scene episode",
        lambda: client.post(decide, {"action": "approve"}, HTTP_HX_REQUEST="true"),
    )
    print(f"  {approved.status_code}")


if __name__ == "__main__":
    main()
