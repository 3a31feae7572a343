"""Measuring how far this process's resident memory rose during a block (Linux /proc)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATUS = Path("/proc/self/status")


def _kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    assert match, f"{field} missing from {STATUS}"
    return int(match.group(1))


@dataclass
class Growth:
    bytes: int = 0

    @property
    def mb(self) -> float:
        return self.bytes / 1024 / 1024


@contextmanager
def peak_rss_growth() -> Iterator[Growth]:
    """How far the peak RSS (VmHWM, reset first) rose above the RSS at the start."""
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    start = _kib("VmRSS")
    growth = Growth()
    yield growth
    growth.bytes = max(0, _kib("VmHWM") - start) * 1024
