"""Tests that need a Debian package: skipped loudly on a machine without it (the README's
test command works on a fresh machine), failed in CI, which installs them (.ci/run) and sets
COMICSTUDIO_REQUIRE_BROWSER (every system-dependent test is required there)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def _missing(what: str, package: str) -> None:
    message = f"SYSTEM TEST SKIPPED: no {what} (apt-get install {package})"
    if os.environ.get("COMICSTUDIO_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def file_or_skip(path: Path, package: str) -> Path:
    """`path`, a file a Debian package installs."""
    if not path.exists():
        _missing(str(path), package)
    return path


def command_or_skip(command: str, package: str) -> str:
    """The path of `command`, a program a Debian package installs."""
    found = shutil.which(command)
    if found is None:
        _missing(f"{command} on PATH", package)
    return str(found)
