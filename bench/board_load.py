"""Benchmark the storyboard under load: python bench/board_load.py [--seconds 8] [--repeats 3]

Starts `manage.py runstudio` (the README's run command: embedded Redis, worker, beat and
its web processes) on a throwaway database on 127.0.0.1, with a 200-scene and a
2,000-scene episode. Then, from outside, as a logged-in writer:

- 10 concurrent clients fetch the 200-scene storyboard for `--seconds` (bounded in count
  too): requests/s, p50 and p99 per repeat;
- the 2,000-scene storyboard's first response: its size and time (cold and warm cache).

Prints one JSON line per figure when --json is given (bench/run_all.py reads them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLIENTS = 10
MAX_REQUESTS = 20_000

SETUP = """
import django, json
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from characters.models import Character, Privacy
from generation.models import Take
from projects.models import Episode, Membership, Project, Scene, Studio

call_command("migrate", verbosity=0)
writer = User.objects.create_user("benchwriter", password="x")
studio = Studio.objects.create(name="Bench")
Membership.objects.create(studio=studio, user=writer, role="writer")
project = Project.objects.create(studio=studio, name="Bench")
cast = [Character.objects.create(owner=writer, name=n, handle=n.lower(), appearance="x",
        privacy=Privacy.EVERYONE) for n in ("Mia", "Tom")]
states = [("succeeded", "approved"), ("running", "unreviewed"), ("failed", "unreviewed")]
ids = {}
for size in (200, 2000):
    episode = Episode.objects.create(project=project, number=size, title=f"{size} scenes")
    scenes = Scene.objects.bulk_create(Scene(episode=episode, position=n,
        heading=f"INT. ROOM {n} - DAY", action=f"Something happens, beat {n}.",
        dialogue=[{"speaker": "MIA", "line": "Hello there."}]) for n in range(1, size + 1))
    Scene.cast.through.objects.bulk_create(Scene.cast.through(scene_id=s.pk,
        character_id=c.pk) for s in scenes for c in cast)
    Take.objects.bulk_create(Take(scene=s, number=1, requested_by=writer, provider="animatic",
        prompt="p", duration_seconds=4, width=720, height=1280,
        generation_status=states[s.position % 3][0], review_status=states[s.position % 3][1])
        for s in scenes)
    ids[size] = episode.pk
client = Client()
client.force_login(writer)
print(json.dumps({"episodes": ids, "session": client.cookies["sessionid"].value}))
"""


def _environment(tmp: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        COMICSTUDIO_VAR_DIR=str(tmp),
        COMICSTUDIO_MEDIA_ROOT=str(tmp / "media"),
        COMICSTUDIO_DEMO="0",
        DJANGO_SETTINGS_MODULE="comicstudio.settings",
        PORT=str(port),
        PYTHONPATH=str(ROOT),
    )
    return env


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _load(base: str, cookies: dict[str, str], path: str, seconds: float) -> dict:
    """CLIENTS clients fetching `path` back to back for `seconds`; latencies in ms."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
            start = time.perf_counter()
            response = await client.get(path)
            if response.status_code != 200:
                errors += 1
            latencies.append((time.perf_counter() - start) * 1000)

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=30) as c:
        began = time.perf_counter()
        await asyncio.gather(*(one_client(c) for _ in range(CLIENTS)))
        wall = time.perf_counter() - began
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": _percentile(latencies, 0.99),
        "errors": errors,
    }


def _first_response(base: str, cookies: dict[str, str], path: str) -> dict:
    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return {"ms": elapsed, "kb": len(response.content) / 1024}


def _wait_until_served(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"runstudio stopped:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("runstudio did not serve within 120 s")


def main() -> None:
    """Set up the episodes, start the run command, measure, stop everything."""
    from comicstudio.embedded_redis import free_port

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-board-"))
    port = free_port()
    env = _environment(tmp, port)
    setup = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, check=True
    )
    facts = json.loads(setup.stdout.decode().strip().splitlines()[-1])
    cookies = {"sessionid": facts["session"]}
    log = tmp / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runstudio"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    figures: list[dict] = []
    try:
        _wait_until_served(base, process, log)
        big = f"/episodes/{facts['episodes']['2000']}/"
        small = f"/episodes/{facts['episodes']['200']}/"
        cold = _first_response(base, cookies, big)
        figures.append({"name": "2,000 scenes: first response, cold cache (ms)", **cold})
        warm = [_first_response(base, cookies, big) for _ in range(5)]
        for one in warm:
            figures.append({"name": "2,000 scenes: first response, warm (ms)", **one})
        asyncio.run(_load(base, cookies, small, 2))  # warm-up
        for _ in range(args.repeats):
            figures.append(
                {
                    "name": "200 scenes, 10 clients",
                    **asyncio.run(_load(base, cookies, small, args.seconds)),
                }
            )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
    for figure in figures:
        print(json.dumps(figure) if args.json else figure)


if __name__ == "__main__":
    main()
