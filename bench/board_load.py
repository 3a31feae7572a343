"""Benchmark the storyboard under load: python bench/board_load.py [--seconds 8] [--repeats 3]

Starts `manage.py runstudio` (the README's run command: embedded Redis, worker, beat and
its web processes) on a throwaway database on 127.0.0.1, with a 6-, a 200- and a
2,000-scene episode. Then, from outside, as a logged-in writer:

- 10 concurrent connections fetch the 200-scene storyboard for `--seconds`: requests/s,
  p50 and p99 per repeat, and the web processes' CPU time per request;
- the same for two baselines measured in the same run, since the machine is shared: a
  static file (what the server itself costs) and the 6-scene storyboard;
- the 2,000-scene storyboard's first response: its size and time (cold and warm cache).

The load comes from `wrk` when it is installed (it costs the machine little CPU), else
from an `httpx` asyncio client (bounded in count too).

Prints one JSON line per figure when --json is given (bench/run_all.py reads them).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
from common import percentile, report, run_environment, running_studio, set_up

CLIENTS = 10
MAX_REQUESTS = 20_000

SETUP = """
import django, json
django.setup()
from django.conf import settings
# No Redis runs yet: sessions go to the database, where the server's cached_db finds them.
settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
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
for size in (6, 200, 2000):
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


async def _httpx_load(base: str, cookies: dict[str, str], path: str, seconds: float) -> dict:
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
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": percentile(latencies, 0.99),
        "errors": errors,
    }


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    assert match, text
    return float(match[1]) * _UNITS[match[2]]


def _wrk_load(base: str, cookies: dict[str, str], path: str, seconds: float) -> dict:
    """wrk with CLIENTS connections on one thread for `seconds`; its latency percentiles."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    run = subprocess.run(  # noqa: S603
        ["wrk", "-t1", f"-c{CLIENTS}", f"-d{max(1, round(seconds))}s", "--latency",  # noqa: S607
         "--timeout", "30s", "-H", f"Cookie: {cookie}", base + path],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = run.stdout
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50": _wrk_ms(out, "50%"),
        "p99": _wrk_ms(out, "99%"),
        "errors": int(bad[1]) if bad else 0,
    }


def _cpu_seconds(root: int) -> float:
    """User + system CPU time of every process under `root` (the run command's children)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack += [child for child, parent in parents.items() if parent == pid]
    return total


def _load(base: str, cookies: dict[str, str], path: str, seconds: float, root: int) -> dict:
    """Load `path` from outside; requests/s, p50, p99, and the server's CPU ms per request."""
    before = _cpu_seconds(root)
    if shutil.which("wrk"):
        figures = _wrk_load(base, cookies, path, seconds)
    else:
        figures = asyncio.run(_httpx_load(base, cookies, path, seconds))
    spent = _cpu_seconds(root) - before
    figures["cpu_ms"] = spent * 1000 / max(1, figures.pop("requests"))
    return figures


def _first_response(base: str, cookies: dict[str, str], path: str) -> dict:
    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return {"ms": elapsed, "kb": len(response.content) / 1024}


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
    env = run_environment(tmp, port)
    # The fixture's "running" takes have no job behind them: left to the sweeper, the worker
    # would submit and render them (hundreds of animatics) in the middle of the measurement.
    env["COMICSTUDIO_SWEEP_SECONDS"] = "86400"
    facts = set_up(SETUP, env)
    cookies = {"sessionid": facts["session"]}
    base = f"http://127.0.0.1:{port}"
    figures: list[dict] = []
    with running_studio(env, tmp) as process:
        big = f"/episodes/{facts['episodes']['2000']}/"
        small = f"/episodes/{facts['episodes']['200']}/"
        tiny = f"/episodes/{facts['episodes']['6']}/"
        cold = _first_response(base, cookies, big)
        figures.append({"name": "2,000 scenes: first response, cold cache (ms)", **cold})
        warm = [_first_response(base, cookies, big) for _ in range(5)]
        for one in warm:
            figures.append({"name": "2,000 scenes: first response, warm (ms)", **one})
        _load(base, cookies, small, 2, process.pid)  # warm-up
        for _ in range(args.repeats):
            for label, path in (
                ("static file, 10 connections", "/static/favicon.svg"),
                ("6 scenes, 10 connections", tiny),
                ("200 scenes, 10 connections", small),
            ):
                result = _load(base, cookies, path, args.seconds, process.pid)
                figures.append({"name": label, **result})
            static, tiny_board, board = (f["rps"] for f in figures[-3:])
            figures.append(
                {
                    "name": "200 scenes against the baselines (requests/s ratio)",
                    "of_static": board / static,
                    "of_6_scenes": board / tiny_board,
                }
            )
    for figure in figures:
        report(figure, as_json=args.json)


if __name__ == "__main__":
    main()
