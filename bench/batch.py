"""Benchmark a batch: python bench/batch.py [--scenes 50] [--latency 5] [--concurrency 8].

Real worker processes and Redis, the real openai SDK against the local fake provider
(tests/fake_provider.py) with a fixed latency per job. Prints the wall time of the
batch, the ideal ceil(N/C) x L, their ratio, and the naive one-after-another time
(N x L unless --run-naive runs a hand-written create/poll/download loop for real).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment(tmp: Path, redis_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "COMICSTUDIO_VAR_DIR": str(tmp),
        "COMICSTUDIO_MEDIA_ROOT": str(tmp / "media"),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "REDIS_URL": redis_url,
        "COMICSTUDIO_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only",
        "COMICSTUDIO_POLL_SECONDS": "0.25",
        "LOG_LEVEL": "WARNING",
    }


def _naive(fake_url: str, n: int) -> float:
    """One scene after another with the SDK, as a hand-written script would."""
    import warnings

    import openai

    warnings.simplefilter("ignore", DeprecationWarning)
    client = openai.OpenAI(api_key="bench", base_url=fake_url, max_retries=0)
    start = time.perf_counter()
    for i in range(n):
        video = client.videos.create(model="sora-2", prompt=f"naive scene {i}", seconds="4")
        while client.videos.retrieve(video.id).status != "completed":
            time.sleep(0.25)
        client.videos.download_content(video.id).read()
    return time.perf_counter() - start


def main() -> None:
    """Run the batch on the engine and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenes", type=int, default=50)
    parser.add_argument("--latency", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--run-naive", action="store_true")
    args = parser.parse_args()

    from comicstudio.embedded_redis import EmbeddedRedis

    tmp = Path(tempfile.mkdtemp(prefix="comicstudio-bench-"))
    redis = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        redis = EmbeddedRedis(workdir=tmp / "redis")
        redis_url = redis.start()
    env = _environment(tmp, redis_url)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.fake_provider import FakeProvider

    fake = FakeProvider(latency=args.latency).start()
    workers = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "comicstudio",
                "worker",
                "--pool=threads",
                "--concurrency=8",
                "--loglevel=WARNING",
                f"--hostname=bench{i}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )  # fmt: skip
        for i in range(args.workers)
    ]
    try:
        _wait_for_workers(args.workers)
        wall = _run_batch(fake, args.scenes, args.concurrency)
        batch = {"in_flight": fake.max_in_flight(), "submissions": len(fake.submissions())}
        naive = _naive(fake.openai_base_url, args.scenes) if args.run_naive else None
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        fake.stop()
        if redis:
            redis.stop()
    _report(args, wall, naive, batch)


def _wait_for_workers(count: int) -> None:
    """Time the batch, not the workers' start-up."""
    from comicstudio.celery import app

    deadline = time.monotonic() + 120
    while len(app.control.ping(timeout=1.0) or []) < count:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start")


def _run_batch(fake, n: int, concurrency: int) -> float:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from generation.credentials import ProviderCredential
    from generation.models import GenerationStatus, Take
    from projects.models import Episode, Membership, Project, Role, Scene, Studio
    from projects.services import save_script
    from tests.factories import request_takes

    studio = Studio.objects.create(name="Bench")
    user = get_user_model().objects.create_user(username="bench", password="bench-pass-123")
    Membership.objects.create(studio=studio, user=user, role=Role.PRODUCER)
    credential = ProviderCredential(
        studio=studio, provider="openai", base_url=fake.openai_base_url,
        concurrency_limit=concurrency,
    )  # fmt: skip
    credential.set_api_key("sk-bench")
    credential.save()
    project = Project.objects.create(studio=studio, name="Bench", provider="openai")
    episode = Episode.objects.create(project=project, number=1, title="Bench")
    script = "\n".join(f"INT. ROOM {i} - DAY\n\nShot {i}.\n" for i in range(n))
    save_script(episode=episode, text=script, edited_by=user)
    scenes = list(Scene.objects.filter(episode=episode).order_by("position"))
    start = time.perf_counter()
    request_takes(scenes=scenes, requested_by=user)
    while Take.objects.exclude(generation_status=GenerationStatus.SUCCEEDED).exists():
        if Take.objects.filter(generation_status__in=["failed", "blocked", "stalled"]).exists():
            raise SystemExit("a take failed: see the worker output")
        time.sleep(0.05)
    return time.perf_counter() - start


def _report(
    args: argparse.Namespace, wall: float, naive: float | None, batch: dict[str, int]
) -> None:
    ideal = math.ceil(args.scenes / args.concurrency) * args.latency
    print(f"N={args.scenes} scenes, L={args.latency:g} s per job, C={args.concurrency}, "
          f"{args.workers} worker process(es)")  # fmt: skip
    print(f"batch wall time        {wall:7.1f} s")
    print(f"ideal ceil(N/C) x L    {ideal:7.1f} s")
    print(f"ratio                  {wall / ideal:7.3f}   (target <= 1.10)")
    print(f"max jobs in flight     {batch['in_flight']:7d}   (seen by the fake provider)")
    print(f"submissions            {batch['submissions']:7d}   (one per scene)")
    if naive is None:
        print(f"naive one-by-one       {args.scenes * args.latency:7.1f} s   (N x L, not run; "
              "--run-naive runs it)")  # fmt: skip
    else:
        print(f"naive one-by-one       {naive:7.1f} s   (run)")


if __name__ == "__main__":
    main()
