"""`make run`'s command with the embedded defaults: serves the demo; Ctrl-C stops everything."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from django.core.management.base import CommandError

from comicstudio.embedded_redis import free_port
from comicstudio.management.commands.runstudio import wait_until_serving
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process tree from /proc")
def test_run_command_serves_the_demo_with_no_services_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(PORT=str(port), COMICSTUDIO_VAR_DIR=str(tmp_path), DJANGO_DEBUG="1")
    env.pop("COMICSTUDIO_MEDIA_ROOT", None)
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runstudio"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def page_served() -> bool:
            try:
                return httpx.get(f"{base}/login/", timeout=2).status_code == 200
            except httpx.HTTPError:
                return process.poll() is not None and pytest.fail(
                    (tmp_path / "run.log").read_text()
                )

        def banner_shown() -> bool:
            if process.poll() is not None:
                pytest.fail((tmp_path / "run.log").read_text())
            return "Comic Studio is running at" in (tmp_path / "run.log").read_text()

        # Several web processes boot at once: on a busy 2-core machine that takes a while.
        wait_for(banner_shown, timeout=180, what="the banner")
        # The banner is printed only once the server accepts connections.
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        wait_for(page_served, timeout=180, what="the local run to serve the login page")
        output = (tmp_path / "run.log").read_text()
        assert f"Comic Studio is running at http://127.0.0.1:{port}/" in output
        assert "Demo logins: owner, producer, writer, reviewer, viewer" in output
        assert "password: comicstudio-demo" in output
        assert "Embedded Redis on redis://127.0.0.1:" in output
        assert "failed" not in output  # e.g. the demo's live updates finding no Redis
        assert (tmp_path / "db.sqlite3").exists()

        client = httpx.Client(base_url=base)
        client.get("/login/")
        response = client.post(
            "/login/",
            data={"username": "writer", "password": "comicstudio-demo",
                  "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        )  # fmt: skip
        assert response.status_code == 302
        assert "Midnight Snacks" in client.get("/").text

        children = _descendants(process.pid)
        assert len(children) >= 3  # redis-server, celery (and its pool), uvicorn
        process.send_signal(signal.SIGINT)
        process.wait(timeout=40)
        time.sleep(0.5)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        leftovers = _descendants(process.pid)
        if process.poll() is None:
            process.kill()
        for pid in leftovers:  # a failed assertion must not leave a server or worker behind
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        log.close()


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])


def test_waiting_for_the_server_returns_once_it_answers_http():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    child = _sleeper()
    try:
        wait_until_serving("127.0.0.1", server.server_address[1], [child], timeout=5)
    finally:
        server.shutdown()
        child.kill()
        child.wait()


def test_a_socket_that_accepts_but_no_server_answers_is_not_serving():
    """The run command's sockets listen before its servers start: a connection is no sign."""
    with socket.create_server(("127.0.0.1", 0)) as listening:
        child = _sleeper()
        try:
            with pytest.raises(CommandError, match="did not accept connections"):
                wait_until_serving("127.0.0.1", listening.getsockname()[1], [child], timeout=1)
        finally:
            child.kill()
            child.wait()


def test_waiting_for_the_server_says_which_child_died():
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    child.wait()
    with pytest.raises(CommandError, match="exit code 3"):
        wait_until_serving("127.0.0.1", free_port(), [child], timeout=5)


def test_waiting_for_the_server_gives_up_after_its_timeout():
    child = _sleeper()
    try:
        with pytest.raises(CommandError, match="did not accept connections"):
            wait_until_serving("127.0.0.1", free_port(), [child], timeout=0.5)
    finally:
        child.kill()
        child.wait()
