"""The provider contract every video generator implements (see DESIGN.md, "Providers")."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Capabilities:
    durations: tuple[int, ...]
    sizes: tuple[tuple[int, int], ...]
    max_characters: int
    price_per_second: Decimal
    # True where a second submission costs nothing, so a crash before the job id was
    # stored may simply be submitted again instead of reconciled by a person.
    free_to_resubmit: bool = False


@dataclass(frozen=True)
class VideoRequest:
    prompt: str
    duration_seconds: int
    width: int
    height: int
    heading: str = ""
    action: str = ""
    dialogue: tuple[tuple[str, str], ...] = ()
    cast: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobStatus:
    state: str  # "queued" | "running" | "succeeded" | "failed"
    progress: int = 0
    error: str = ""


@dataclass
class ProviderError(Exception):
    """A provider call failed; `permanent` failures are not retried."""

    message: str
    permanent: bool = False
    blocked: bool = False  # refused by moderation or policy: final, shown to the user
    retry_after: float | None = field(default=None)

    def __str__(self) -> str:
        return self.message


class Provider:
    name: str = ""
    label: str = ""
    capabilities: Capabilities

    def submit(self, request: VideoRequest) -> str:
        """Start a generation job; returns the provider's job id."""
        raise NotImplementedError

    def poll(self, job_id: str) -> JobStatus:
        """Where the job is now."""
        raise NotImplementedError

    def download(self, job_id: str, *, video_path: Path, thumbnail_path: Path) -> None:
        """Write the finished video and a thumbnail to the given paths."""
        raise NotImplementedError

    def release(self, job_id: str) -> None:
        """Free what the provider keeps for a job once its result is in our storage."""

    def cost_of(self, duration_seconds: int) -> Decimal:
        """What a clip of this length costs at list price."""
        return self.capabilities.price_per_second * duration_seconds
