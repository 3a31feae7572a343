"""Run everything for a local Comic Studio: the one command behind `make run`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from comicstudio.celery import app as celery_app
from comicstudio.embedded_redis import EmbeddedRedis

EMBEDDED_REDIS_PORT = 6390
# Several web processes boot at once; on a busy 2-core machine that can take a while.
READY_TIMEOUT = float(os.environ.get("COMICSTUDIO_READY_TIMEOUT", "180"))


def wait_until_serving(
    host: str, port: int, children: list[subprocess.Popen[bytes]], *, timeout: float
) -> None:
    """Return once the server answers HTTP; CommandError if a child dies first or the
    timeout passes (the banner must not promise a server that is not there).

    An answer, not a connection: the listening sockets exist before any server process
    accepts on them (`listening_sockets`).
    """
    deadline = time.monotonic() + timeout
    while True:
        dead = [c for c in children if c.poll() is not None]
        if dead:
            raise CommandError(
                f"A process stopped before the server was up (exit code {dead[0].returncode}): "
                f"{' '.join(map(str, dead[0].args))}"  # type: ignore[arg-type]
            )
        if _answers(host, port):
            return
        if time.monotonic() > deadline:
            raise CommandError(
                f"The server did not accept connections on {host}:{port} within {timeout:.0f} s."
            )
        time.sleep(0.25)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as connection:
            connection.sendall(b"HEAD /login/ HTTP/1.0\r\nHost: " + host.encode() + b"\r\n\r\n")
            return connection.recv(5) == b"HTTP/"
    except OSError:
        return False


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """One listening socket per web process, all on one port (SO_REUSEPORT).

    The kernel spreads new connections over the processes. With one shared socket the
    first process to wake takes every waiting connection, and kept-alive clients stay on
    it: under load one process worked while the other idled.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets = []
    for _ in range(count):
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((host, port))
        listener.listen(2048)
        listener.set_inheritable(True)
        sockets.append(listener)
    return sockets


SPREADS_CONNECTIONS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def web_workers() -> int:
    """Server processes: WEB_CONCURRENCY if set, else one per core (at least two)."""
    configured = os.environ.get("WEB_CONCURRENCY", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(2, os.cpu_count() or 1)


class Command(BaseCommand):
    help = "Migrate, load the demo, start Redis (unless REDIS_URL), a Celery worker and the server."

    def handle(self, *args: object, **options: object) -> None:
        host = os.environ.get("HOST", "127.0.0.1")
        port = int(os.environ.get("PORT", "8000"))
        env = os.environ.copy()
        embedded = None
        if not os.environ.get("REDIS_URL"):
            # First, so the demo's live updates find it (its default port is the settings').
            embedded = EmbeddedRedis(workdir=settings.VAR_DIR / "redis", port=EMBEDDED_REDIS_PORT)
            env["REDIS_URL"] = embedded.start()
            self._use_redis(env["REDIS_URL"])
            self.stdout.write(f"Embedded Redis on {env['REDIS_URL']}")
        children: list[subprocess.Popen[bytes]] = []
        try:
            call_command("migrate", interactive=False, verbosity=0)
            if settings.COMICSTUDIO_DEMO:
                call_command("load_demo")
            children = self._start(env, host, port)
            wait_until_serving(host, port, children, timeout=READY_TIMEOUT)
            self._banner(host, port)
            self.stdout.write(f"  {web_workers()} web processes, one Celery worker and beat.\n")
            self._wait(children)
        finally:
            self._stop(children)
            if embedded:
                embedded.stop()

    def _use_redis(self, url: str) -> None:
        # This process loaded its settings before the Redis existed; the demo it loads
        # publishes live updates, so point this process at the Redis it just started.
        settings.REDIS_URL = url
        layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
        for host in layer["CONFIG"]["hosts"]:
            host["address"] = url
        celery_app.conf.broker_url = url

    def _start(self, env: dict[str, str], host: str, port: int) -> list[subprocess.Popen[bytes]]:
        python = sys.executable
        listeners = self._listen(host, port)  # first: a port that is taken starts nothing
        return [
            subprocess.Popen(  # noqa: S603
                [python, "-m", "celery", "-A", "comicstudio", "worker",
                 "--loglevel=INFO", "--concurrency=3", "--without-gossip", "--without-mingle"],
                env=env,
            ),
            # Beat as a child of its own (not the worker's -B): it is stopped like the others.
            subprocess.Popen(  # noqa: S603
                [python, "-m", "celery", "-A", "comicstudio", "beat", "--loglevel=INFO"],
                env=env,
            ),
            # Several server processes share the port; live updates reach every process's
            # sockets through the Redis channel layer, rendered cards through the Redis cache.
            *self._web(env, host, port, listeners),
        ]  # fmt: skip

    def _listen(self, host: str, port: int) -> list[socket.socket]:
        if not SPREADS_CONNECTIONS:
            return []
        try:
            return listening_sockets(host, port, web_workers())
        except OSError as error:
            raise CommandError(f"Cannot serve on {host}:{port}: {error.strerror}.") from None

    def _web(
        self, env: dict[str, str], host: str, port: int, listeners: list[socket.socket]
    ) -> list[subprocess.Popen[bytes]]:
        if not listeners:  # uvicorn's own workers on one shared socket
            command = [sys.executable, "-m", "uvicorn", "comicstudio.asgi:application",
                       "--log-level", "info", "--host", host, "--port", str(port),
                       "--workers", str(web_workers())]  # fmt: skip
            return [subprocess.Popen(command, env=env)]  # noqa: S603
        servers = []
        for listener in listeners:
            with listener:  # the server process keeps its own copy
                fd = listener.fileno()
                serve = [sys.executable, "-m", "comicstudio.serve", str(fd)]
                servers.append(subprocess.Popen(serve, env=env, pass_fds=(fd,)))  # noqa: S603
        return servers

    def _banner(self, host: str, port: int) -> None:
        from comicstudio.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(
            self.style.SUCCESS(f"\n  Comic Studio is running at http://{host}:{port}/\n")
        )
        if settings.COMICSTUDIO_DEMO:
            names = ", ".join(DEMO_USERS)
            self.stdout.write(f"  Demo logins: {names} — password: {DEMO_PASSWORD}\n")
        self.stdout.write("  Ctrl-C stops the server, the worker and the embedded Redis.\n")

    def _wait(self, children: list[subprocess.Popen[bytes]]) -> None:
        stop = threading.Event()
        # Set explicitly: a shell that starts us in the background leaves SIGINT ignored.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set() and all(child.poll() is None for child in children):
            stop.wait(0.5)
        failed = [c for c in children if c.poll() not in (None, 0)]
        if failed and not stop.is_set():
            self.stderr.write(f"A process stopped unexpectedly: {failed[0].args!r}; stopping.")
        self.stdout.write("Stopping…")

    def _stop(self, children: list[subprocess.Popen[bytes]]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
