"""A problem found in a script: where it is, what is wrong, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message} {self.fix}"
