"""pytest plugin (loaded with `-p tests.embedded_services`): Redis for the tests.

Uses REDIS_URL when set (CI points it at the machine's Redis, on its own db number);
otherwise starts the same embedded Redis that `make run` uses, before Django's
settings are read, and stops it at the end.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_embedded = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):  # type: ignore[no-untyped-def]
    global _embedded
    # The test settings are the local ones (DEBUG on while settings load; pytest-django then
    # runs every test with DEBUG off, as production does).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # The test server's page threads outlive each test's database: they keep no connection.
    os.environ.setdefault("COMICSTUDIO_KEPT_CONNECTION_SECONDS", "0")
    os.environ.setdefault("COMICSTUDIO_MEDIA_ROOT", tempfile.mkdtemp(prefix="comicstudio-media-"))
    # A directory per run: two test runs side by side never share a SQLite test database.
    os.environ.setdefault("COMICSTUDIO_VAR_DIR", tempfile.mkdtemp(prefix="comicstudio-var-"))
    if os.environ.get("REDIS_URL"):
        return
    from comicstudio.embedded_redis import EmbeddedRedis

    _embedded = EmbeddedRedis(workdir=Path(tempfile.mkdtemp(prefix="comicstudio-redis-")))
    os.environ["REDIS_URL"] = _embedded.start()


def pytest_unconfigure(config):  # type: ignore[no-untyped-def]
    if _embedded is not None:
        _embedded.stop()
