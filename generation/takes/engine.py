"""What the tasks share: the provider of a take, backoff, retries, and ending a take.

Every ending goes through `finish`, whose model method frees the take's concurrency slot
(or keeps it while the provider's job still runs) and publishes the card; where the
project asks for it, a take that failed for provider availability is re-queued on the
project's fallback provider.
"""

from __future__ import annotations

import logging
import random

from django.conf import settings

from generation.models import UNAVAILABLE_STATUSES, GenerationStatus, Take
from generation.providers import Provider, ProviderError, get_provider
from generation.takes import slots
from generation.takes.door import TakeKind, start_takes
from generation.takes.events import send_submit

log = logging.getLogger(__name__)


def provider_for(take: Take) -> Provider:
    """The take's provider, with its studio credential when it has one."""
    config = take.credential.config() if take.credential else None
    return get_provider(take.provider, config)


def backoff(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never shorter than the provider's Retry-After."""
    ceiling = min(settings.COMICSTUDIO_MAX_BACKOFF_SECONDS, 2 ** min(attempt, 10))
    return max(retry_after or 0.0, random.uniform(0.5, max(ceiling, 1.0)))  # noqa: S311


def finish(
    take: Take,
    error: str,
    *,
    status: str = GenerationStatus.FAILED,
    job_running: bool = False,
    paid: bool = False,
) -> None:
    """End a take that did not succeed (see Take.mark_failed); maybe fall back."""
    if not take.mark_failed(error, status=status, job_running=job_running, paid=paid):
        return
    log.info("take %s ended %s: %s", take.pk, status, error)
    if status in UNAVAILABLE_STATUSES:
        settings_ = getattr(take.scene.episode.project, "generation_settings", None)
        if settings_ and settings_.auto_fallback and settings_.fallback_provider != take.provider:
            fall_back(take)


def fall_back(take: Take) -> None:
    """Retry a take that failed for availability on the project's fallback, automatically.

    It goes through the one door for the take's original requester, so it is refused
    exactly when that person's Retry on the fallback would be (their role, the cast they
    may use, the fallback's rules, the budget); the refusal is kept on the failed take.
    """
    started = start_takes(
        scenes=[take.scene],
        requested_by=take.requested_by,
        kind=TakeKind.AUTO_FALLBACK,
        source_take=take,
    )
    if started.refused:
        log.info("take %s: no automatic fallback: %s", take.pk, started.message)
        take.explain(f"Not retried on the fallback provider: {started.message}")


def fail(take: Take, exc: ProviderError) -> None:
    """End a take with a provider error: blocked when refused, failed otherwise."""
    finish(
        take, str(exc), status=GenerationStatus.BLOCKED if exc.blocked else GenerationStatus.FAILED
    )


def count_transient(take: Take, exc: ProviderError) -> bool:
    """Count a transient submit error on the take and its credential; False when out of retries."""
    if take.credential_id:
        slots.count_retry(take.credential_id, exc.kind)
    if take.retries >= settings.COMICSTUDIO_MAX_RETRIES:
        finish(take, f"The provider stayed unavailable after {take.retries} retries: {exc}")
        return False
    return True


def slow_down(take: Take) -> int:
    """A 429: the credential's pace halves; returns it."""
    if take.credential is None:
        return 1
    slots.count_retry(take.credential.pk, "rate_limit")
    return slots.slow_down(take.credential.pk, limit=take.credential.concurrency_limit)


def speed_up(take: Take) -> None:
    """An accepted submit: the credential's pace grows back, waking a take if it grew."""
    if take.credential is None:
        return
    if slots.speed_up(take.credential.pk, limit=take.credential.concurrency_limit):
        waiting = slots.next_waiting(take.credential.pk)
        if waiting is not None:
            send_submit(waiting)
