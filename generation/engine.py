"""What the tasks share: the provider of a take, backoff, retries, and ending a take.

Every ending goes through `finish`, whose model method frees the take's concurrency slot
(or keeps it while the provider's job still runs) and publishes the card; where the
project asks for it, a take that failed for provider availability is re-queued on the
project's fallback provider.
"""

from __future__ import annotations

import logging
import random

from celery import current_app
from django.conf import settings
from django.db import transaction

from generation import slots
from generation.models import SUBMIT_TASK, UNAVAILABLE_STATUSES, GenerationStatus, Take
from generation.providers import Provider, ProviderError, get_provider
from generation.services import GenerationRefused, request_fallback_take

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
            try:
                with transaction.atomic():
                    request_fallback_take(take=take, requested_by=take.requested_by)
            except GenerationRefused as exc:  # e.g. the fallback rejects a cast member's face
                log.info("take %s: no automatic fallback: %s", take.pk, exc)


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
        start_waiting(slots.next_waiting(take.credential.pk))


def start_waiting(take_id: int | None) -> None:
    """Start the take that waited for a free slot."""
    if take_id is not None:
        current_app.send_task(SUBMIT_TASK, args=(take_id,))
