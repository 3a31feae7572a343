"""Benchmark live pushes: python bench/live_latency.py [--events 30] [--every 0.4] [--viewers 1 100]

Starts `manage.py runstudio` (the README's run command, its several web processes) on a
throwaway database with a Redis of its own, opens the storyboard in a real Chromium, and
changes takes from this process as a worker does: each event sets a running take's progress
to a new value, commits, and publishes the scene's change. A `MutationObserver` in the page
timestamps the moment the card shows that value; latency = that moment − the commit.

For each viewer count N, N − 1 extra WebSocket clients (other members, each signed in as
a person of their own, so the access check answers for each of them) listen on the
project too. The figures are p50 / p95 of the page's latencies, how many events reached
the page, how many of the cards due reached the extra sockets, and the CPU time the run
command's processes (web processes, worker, beat) spent per event while the events were
sent (their idle work included).

Prints one JSON line per figure with --json (bench/run_all.py reads them).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from common import percentile, report, run_environment, running_studio, set_up

SCENES = 6
VIEWERS = 100  # the most viewers a run can ask for

SETUP = f"""
import django, json
django.setup()
from django.conf import settings
# No Redis runs yet: sessions go to the database, where the server's cached_db finds them.
settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from generation.models import Take
from projects.models import Episode, Membership, Project, Scene, Studio

call_command("migrate", verbosity=0)
writer = User.objects.create_user("livewriter", password="x")
studio = Studio.objects.create(name="Live")
Membership.objects.create(studio=studio, user=writer, role="writer")
project = Project.objects.create(studio=studio, name="Live")
episode = Episode.objects.create(project=project, number=1, title="Live")
takes = []
for n in range(1, {SCENES} + 1):
    scene = Scene.objects.create(episode=episode, position=n, heading=f"INT. ROOM {{n}} - DAY")
    takes.append(Take.objects.create(scene=scene, number=1, requested_by=writer,
        provider="animatic", prompt="p", duration_seconds=4, width=720, height=1280,
        generation_status="running").pk)
def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value
viewers = []
for n in range(1, {VIEWERS}):  # the other viewers: people of their own, each a member
    viewer = User.objects.create_user(f"viewer{{n}}", password="x")
    Membership.objects.create(studio=studio, user=viewer, role="viewer")
    viewers.append(session(viewer))
print(json.dumps({{"episode": episode.pk, "takes": takes, "session": session(writer),
                  "viewers": viewers}}))
"""

# Records, for every card swapped in, its scene and the progress it shows, with the time.
OBSERVER = """
() => {
  window.__seen = [];
  const grid = document.getElementById("board");
  new MutationObserver((mutations) => {
    const now = performance.timeOrigin + performance.now();
    for (const m of mutations) {
      for (const node of m.addedNodes) {
        if (node.nodeType !== 1 || !node.matches("article.card")) continue;
        const bar = node.querySelector("progress");
        if (bar) window.__seen.push([Number(node.dataset.scene), Number(bar.value), now]);
      }
    }
  }).observe(grid, { childList: true, subtree: true });
}
"""


class ExtraSockets:
    """WebSocket clients on the storyboard's channel, one per session, counting their cards."""

    def __init__(self, url: str, sessions: list[str], origin: str) -> None:
        self.url, self.sessions, self.origin, self.count = url, sessions, origin, len(sessions)
        self.cards = 0
        self.failed: list[str] = []
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _one(self, session: str, opened: list[int], gate: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": f"sessionid={session}"}
        try:
            async with gate:  # a few handshakes at a time, as viewers arrive
                socket = await connect(
                    self.url, additional_headers=headers, origin=self.origin, open_timeout=60
                )
                await socket.recv()  # the snapshot
        except Exception as exc:  # noqa: BLE001 — counted and reported, the run goes on
            self.failed.append(repr(exc))
            return
        opened.append(1)
        async with socket:
            while not self.stop.is_set():
                try:
                    message = await asyncio.wait_for(socket.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                if "<article" in str(message):
                    self.cards += 1

    async def _run(self) -> None:
        opened: list[int] = []
        gate = asyncio.Semaphore(10)
        tasks = [asyncio.create_task(self._one(s, opened, gate)) for s in self.sessions]
        while len(opened) + len(self.failed) < self.count:
            await asyncio.sleep(0.1)
        self.ready.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> ExtraSockets:
        if self.count:
            self.thread.start()
            if not self.ready.wait(300):
                raise SystemExit("the extra sockets did not open within 300 s")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.count:
            self.thread.join(10)


def _change(take_id: int, value: int) -> float:
    """Set a take's progress as a worker would, publish it; the commit's time (epoch ms)."""
    from django.db import transaction

    from generation.models import Take
    from generation.takes.events import publish_take

    with transaction.atomic():
        Take.objects.filter(pk=take_id).update(progress=value)
        publish_take(Take.objects.select_related("scene__episode").get(pk=take_id))
        committed = time.time() * 1000  # the commit follows; publishing waits for it
    return committed


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its living descendants so far (Linux /proc)."""
    total, pending = 0.0, [pid]
    while pending:
        one = pending.pop()
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{one}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue  # ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _measure(page, facts: dict, events: int, every: float) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    from generation.models import Take

    scene_of = dict(Take.objects.filter(pk__in=facts["takes"]).values_list("pk", "scene_id"))
    sent = []
    for n in range(events):
        take_id = facts["takes"][n % len(facts["takes"])]
        value = n + 1  # every event shows a new value
        sent.append((scene_of[take_id], value, _change(take_id, value)))
        time.sleep(every)
    time.sleep(2)
    seen = page.evaluate("window.__seen")
    first: dict[tuple[int, int], float] = {}
    for scene, value, at in seen:
        first.setdefault((scene, int(value)), at)
    latencies = [first[(s, v)] - at for s, v, at in sent if (s, v) in first]
    return latencies, len(sent)


def main() -> None:
    """Set up, start the run command and Chromium, measure each viewer count, stop all."""
    from comicstudio.embedded_redis import EmbeddedRedis, free_port

    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--every", type=float, default=0.4, help="seconds between events")
    parser.add_argument("--viewers", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    redis = EmbeddedRedis(workdir=tmp / "redis", port=free_port())
    port = free_port()
    env = run_environment(tmp, port, redis.start())
    # The fixture's "running" takes have no job behind them: left to the sweeper, the worker
    # would finish them mid-run (more events than sent, their CPU counted as the pushes').
    env["COMICSTUDIO_SWEEP_SECONDS"] = "86400"
    os.environ.update(env)  # this process writes takes and publishes like a worker
    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain
    # blocking calls between its calls, as in any script.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        facts = set_up(SETUP, env)
        _run(args, facts, env, tmp)
    finally:
        redis.stop()


def _run(args: argparse.Namespace, facts: dict, env: dict[str, str], tmp: Path) -> None:
    """With the run command serving: open the page in Chromium and measure each viewer count."""
    import django
    from playwright.sync_api import sync_playwright

    django.setup()
    from tests.browser import CHROMIUM_ARGS

    port = env["PORT"]
    base = f"http://127.0.0.1:{port}"
    with running_studio(env, tmp) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": facts["session"], "url": base}])
        page = context.new_page()
        page.goto(f"{base}/episodes/{facts['episode']}/")
        page.wait_for_selector('#live[data-live="open"]', timeout=60_000)
        page.evaluate(OBSERVER)
        socket_url = f"ws://127.0.0.1:{port}/ws/episodes/{facts['episode']}/"
        for viewers in args.viewers:
            extra = viewers - 1
            sessions = facts["viewers"][:extra]
            with ExtraSockets(socket_url, sessions, base) as sockets:
                page.evaluate("window.__seen = []")
                cpu = _cpu_seconds(server.pid)
                latencies, sent = _measure(page, facts, args.events, args.every)
                cpu = _cpu_seconds(server.pid) - cpu
                time.sleep(1)
                got, failed = sockets.cards, len(sockets.failed)
            report(
                {
                    "name": f"live push, {viewers} viewer(s), 1 event per {args.every} s",
                    "p50": statistics.median(latencies) if latencies else 0.0,
                    "p95": percentile(latencies, 0.95),
                    "events": sent,
                    "reached_page": len(latencies),
                    "cards_due_to_extra_sockets": sent * extra,
                    "cards_at_extra_sockets": got,
                    "extra_sockets_refused": failed,
                    "server_cpu_ms_per_event": round(cpu * 1000 / max(sent, 1), 1),
                },
                as_json=args.json,
            )
        browser.close()


if __name__ == "__main__":
    main()
