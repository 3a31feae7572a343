"""What the benchmarks that start the run command share (board_load.py, live_latency.py).

The run command's environment on a throwaway directory, the setup script that fills its
database, starting `manage.py runstudio` and stopping it, percentiles and the report
lines (one JSON line per figure with --json: bench/run_all.py reads them).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_environment(tmp: Path, port: int, redis_url: str | None = None) -> dict[str, str]:
    """The run command's environment: SQLite and media in `tmp`, its own Redis unless given."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        COMICSTUDIO_VAR_DIR=str(tmp),
        COMICSTUDIO_MEDIA_ROOT=str(tmp / "media"),
        COMICSTUDIO_DEMO="0",
        DJANGO_DEBUG="1",  # as manage.py sets it for the run command (and the setup's login)
        DJANGO_SETTINGS_MODULE="comicstudio.settings",
        PORT=str(port),
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def set_up(script: str, env: dict[str, str]) -> dict:
    """Run a setup script in a process of its own; the JSON its last line prints."""
    setup = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, check=True
    )
    return json.loads(setup.stdout.decode().strip().splitlines()[-1])


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


@contextmanager
def running_studio(env: dict[str, str], tmp: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`manage.py runstudio` serving on env's PORT (its log in tmp/run.log), then stopped."""
    log = tmp / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runstudio"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        _wait_until_served(f"http://127.0.0.1:{env['PORT']}", process, log)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()


def percentile(values: list[float], fraction: float) -> float:
    """The value at `fraction` of the sorted values (0.0 when there are none)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(figure: dict, *, as_json: bool) -> None:
    """Print one figure: a JSON line for run_all.py, else the dict."""
    print(json.dumps(figure) if as_json else figure, flush=True)
