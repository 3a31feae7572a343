"""Benchmark the API at 200 scenes: python bench/api.py

A throwaway SQLite database, an in-memory channel layer and cache; prints wall times and
query counts of the calls the `comicstudio` command makes (list, estimate, request,
replay of an idempotent request).
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
VAR = tempfile.mkdtemp(prefix="bench-api-")
os.environ["COMICSTUDIO_VAR_DIR"] = VAR
os.environ["DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # local settings: no HTTPS redirect, static finders

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
settings.ALLOWED_HOSTS = ["*"]
settings.COMICSTUDIO_API_RATE = "1000000/min"

from comicstudio.celery import app as celery_app  # noqa: E402

celery_app.conf.broker_url = "memory://"  # tasks are only enqueued

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from generation.api.tokens import create_token  # noqa: E402
from projects.models import Episode, Membership, Project, Studio  # noqa: E402
from projects.services import save_script  # noqa: E402
from tests.scripts import long_script  # noqa: E402


def timed(label: str, action, repeat: int = 1):  # type: ignore[no-untyped-def]
    """Run `action` `repeat` times; print the mean wall time and queries of one run."""
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        for _ in range(repeat):
            result = action()
        wall = (time.perf_counter() - start) / repeat
    print(f"{label:<48} {wall * 1000:8.1f} ms  {len(queries) // repeat:5d} queries")
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    producer = User.objects.create_user("producer", password="x")  # noqa: S106
    studio = Studio.objects.create(name="Bench")
    Membership.objects.create(studio=studio, user=producer, role="producer")
    episode = Episode.objects.create(
        project=Project.objects.create(studio=studio, name="Bench"), number=1, title="Bench"
    )
    save_script(episode=episode, text=long_script(200), edited_by=producer)
    _, secret = create_token(user=producer, studio=studio, name="b", scope="write", days=1)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    base = f"/api/v1/episodes/{episode.pk}"

    def post(path: str, body: dict, key: str = "") -> object:
        headers = {"Idempotency-Key": key} if key else {}
        answer = client.post(base + path, json.dumps(body), content_type="application/json",
                             headers=headers)  # fmt: skip
        assert answer.status_code < 300, answer.content[:300]
        return answer

    assert client.get(base + "/scenes").status_code == 200
    timed("GET scenes, 200 scenes", lambda: client.get(base + "/scenes"), repeat=5)
    timed("POST takes/estimate, 200 scenes", lambda: post("/takes/estimate", {}), repeat=3)
    timed("POST takes (start 200 takes)", lambda: post("/takes", {"confirmed_total": "0.00"}, "k"))
    timed("POST takes again, same key (replay)",
          lambda: post("/takes", {"confirmed_total": "0.00"}, "k"), repeat=5)  # fmt: skip
    timed("GET takes?current=true, 200 takes", lambda: client.get(base + "/takes?current=true"),
          repeat=5)  # fmt: skip


if __name__ == "__main__":
    main()
