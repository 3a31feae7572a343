"""A real `celery -A comicstudio worker -B` in its own process, on this test's database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.providers import TEST_CREDENTIALS_KEY

ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """Start with `start()`; `kill()` SIGKILLs it (and its beat) without any cleanup."""

    def __init__(
        self,
        *,
        log_path: Path,
        redis_url: str | None = None,
        extra_env: dict[str, str] | None = None,
        beat: bool = True,
        concurrency: int = 4,
    ) -> None:
        self.log_path = log_path
        self.redis_url = redis_url or settings.REDIS_URL
        self.extra_env = extra_env or {}
        self.beat = beat  # one beat per deployment: a second worker runs without it
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            REDIS_URL=self.redis_url,
            COMICSTUDIO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
            COMICSTUDIO_CREDENTIALS_KEY=TEST_CREDENTIALS_KEY,
            DJANGO_DEBUG="0",
            COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS="1",  # the fake providers listen on 127.0.0.1
            DJANGO_SECRET_KEY="worker-process-test-key",  # noqa: S106
            # Short, so a killed worker's tasks come back within the test.
            CELERY_VISIBILITY_TIMEOUT="6",
            COMICSTUDIO_SWEEP_SECONDS="4",
            COMICSTUDIO_POLL_SECONDS="0.3",
            COMICSTUDIO_PROVIDER_TIMEOUT="5",
            COMICSTUDIO_MAX_BACKOFF_SECONDS="1",
            COMICSTUDIO_RECONCILE_GRACE_SECONDS="1",
            COMICSTUDIO_SLOT_LEASE_SECONDS="8",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "comicstudio", "worker",
             *(["-B", f"--schedule={self.log_path.with_suffix('.beat')}"] if self.beat else []),
             "--pool=prefork", f"--concurrency={self.concurrency}", "--loglevel=INFO",
             f"--hostname={self.log_path.stem}@%h"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def supervise(self) -> bool:
        """Restart the worker if it exited, as systemd's Restart=always would; False always.

        Celery 5.7 exits ("Unrecoverable error" in kombu's restore of unacked messages)
        when its Redis goes away: production runs workers under a supervisor.
        """
        if self.process is not None and self.process.poll() is not None:
            self.restarts += 1
            self.start()
        return False

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (the worker and its embedded beat)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
