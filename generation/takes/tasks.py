"""Celery tasks that drive a take: submit → poll (re-scheduled, never sleeping) → download.

Each task reads load → claim → call the provider → transition. A take is driven by one
chain of tasks, numbered (`Take.claim_step`): a task delivered twice, a sweep or a
wake-up claims the same step as the chain's next task and only one of them runs, so a
take never has two chains. Money is never spent twice: the job id is stored the moment
it is returned, and a submit whose outcome is unknown is reconciled with the provider's
job list or left to a person. A job the provider finished is paid and kept: polls and
downloads that get no answer are retried with backoff until the provider's retention
ends, never given up earlier. Transitions are model methods that publish the card and
free (or keep) the slot themselves.

Here: the submit and poll steps and the sweep. The download step is `download.py`,
reconciling an unknown submit `reconcile.py`, what the steps share `chain.py`. The Celery
task names (`name=`) are what beat and queued messages use: they never change.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from generation.models import (
    ACTIVE_STATUSES,
    IN_FLIGHT_STATUSES,
    WATCHED_STATUSES,
    GenerationStatus,
    Take,
    slot_holders,
)
from generation.providers import Provider, ProviderError
from generation.providers.base import JobStatus
from generation.takes import engine, slots
from generation.takes.chain import give_up, load, retry_unanswered, schedule_next, sent_request
from generation.takes.download import download_take
from generation.takes.reconcile import reconcile

# download_take is registered with the others when autodiscovery imports this module.
__all__ = ["download_take", "poll_take", "submit_take", "sweep_takes"]

log = logging.getLogger(__name__)
SLOT_RECHECK_SECONDS = 15  # a waiting take looks again even if no release woke it
WAITING_NOTE = "Waiting for a free slot"


def _poll_delay(take: Take, hint: float | None = None) -> float:
    # The provider's hint is a minimum: never poll sooner than it asks. With webhooks
    # configured, polling is only a rare safety net.
    if take.credential is not None and take.credential.has_webhooks:
        return settings.COMICSTUDIO_WEBHOOK_POLL_SECONDS
    return max(hint or 0, settings.COMICSTUDIO_POLL_SECONDS)


def _holders(credential_id: int) -> partial[list[int]]:
    return partial(slot_holders, credential_id)


def _has_slot(take: Take) -> bool:
    if take.credential is None:
        return True
    credential_id, limit = take.credential.pk, take.credential.concurrency_limit
    return slots.acquire(credential_id, take.pk, limit=limit, holders=_holders(credential_id))


def _busy(take: Take) -> bool:
    """The take's chain took a step recently (the sweep would not call it quiet)."""
    quiet = timedelta(seconds=settings.COMICSTUDIO_SWEEP_SECONDS)
    return take.polled_at is not None and timezone.now() - take.polled_at < quiet


def _got_slot(take: Take, seq: int) -> bool:
    if _has_slot(take):
        return True
    assert take.credential_id is not None  # noqa: S101 (no credential: never waits)
    slots.wait(take.credential_id, take.pk, order=take.created_at.timestamp())
    if take.status_note != WAITING_NOTE:
        take.note(WAITING_NOTE)
    schedule_next(submit_take, take, seq, SLOT_RECHECK_SECONDS)
    return False


@shared_task(name="generation.submit_take", ignore_result=True)
def submit_take(take_id: int, seq: int | None = None) -> None:
    """Send a queued take to its provider (once it may and a slot is free); store the job id."""
    take = load(take_id)
    if take is None or take.generation_status not in ACTIVE_STATUSES:
        return
    if seq is None and take.generation_status != GenerationStatus.QUEUED and _busy(take):
        return  # a late wake-up: the take's chain is at work sending it
    step = take.claim_step(seq)
    if step is None:
        return  # another task of this take's chain has this turn
    if take.may_send_in() > 0:  # a backoff or Retry-After is not over: wait it out
        schedule_next(submit_take, take, step, take.may_send_in())
        return
    try:
        provider = engine.provider_for(take)
    except ProviderError as exc:
        engine.fail(take, exc)
        return
    if take.generation_status != GenerationStatus.QUEUED:
        _resume(take, provider, step)
    elif _got_slot(take, step) and take.claim_for_submission():
        # Check the slot again now that the database shows the take in flight: if Redis
        # lost it meanwhile, the rebuilt set decides (see slots.py).
        if _has_slot(take):
            _send(take, provider, step)
        elif take.requeue(WAITING_NOTE, count_retry=False, wake=False):
            schedule_next(submit_take, take, step)


def _resume(take: Take, provider: Provider, step: int) -> None:
    """A submit step for a take already past its claim (a crash, a sweep)."""
    if take.job_running:
        schedule_next(poll_take, take, step)
    elif take.provider_job_id:
        schedule_next(download_take, take, step)
    elif provider.capabilities.free_to_resubmit:
        _send(take, provider, step)
    else:  # a crash between the claim and the job id: the job may exist
        _reconcile(take, provider, step)


def _send(take: Take, provider: Provider, step: int) -> None:
    try:
        if take.remix_of_job_id:
            job_id = provider.remix(take.remix_of_job_id, take.prompt)
        else:
            job_id = provider.submit(sent_request(take))
    except ProviderError as exc:
        _submit_failed(take, provider, exc, step)
        return
    take.record_job_id(job_id)
    engine.speed_up(take)
    schedule_next(poll_take, take, step, _poll_delay(take))


def _submit_failed(take: Take, provider: Provider, exc: ProviderError, step: int) -> None:
    if exc.ambiguous:
        log.warning("take %s: submit outcome unknown, reconciling", take.pk)
        _reconcile(take, provider, step)
    elif exc.permanent:
        engine.fail(take, exc)
    elif exc.kind == "rate_limit":
        # The credential's pace slows; the take keeps its retries and waits its turn.
        pace = engine.slow_down(take)
        delay = engine.backoff(1, exc.retry_after)
        note = f"{exc} Trying again in {delay:.0f} s, {pace} at a time."
        if take.requeue(note, delay=delay, count_retry=False, wake=False):
            schedule_next(submit_take, take, step, delay)
    elif engine.count_transient(take, exc):
        delay = engine.backoff(take.retries, exc.retry_after)
        if take.requeue(f"{exc} Retry {take.retries + 1} in {delay:.0f} s.", delay=delay):
            schedule_next(submit_take, take, step, delay)


def _reconcile(take: Take, provider: Provider, step: int) -> None:
    """Find the job an ambiguous submit may have made (`reconcile.py`), then step on."""
    outcome = reconcile(take, provider)
    if outcome.found:
        schedule_next(poll_take, take, step)
    elif outcome.resend_in is not None:
        schedule_next(submit_take, take, step, outcome.resend_in)


@shared_task(name="generation.poll_take", ignore_result=True)
def poll_take(take_id: int, seq: int | None = None) -> None:
    """Ask the provider how the job is doing; re-schedule itself until it ends."""
    take = load(take_id)
    watched = take is not None and take.generation_status in WATCHED_STATUSES
    if take is None or not take.job_running:
        return
    if not (watched or take.generation_status in IN_FLIGHT_STATUSES):
        return
    step = take.claim_step(seq)
    if step is None:
        return
    try:
        provider = engine.provider_for(take)
    except ProviderError as exc:  # e.g. the credential was removed meanwhile
        give_up(take, exc)
        return
    if take.credential_id:
        slots.renew(take.credential_id, take.pk, holders=_holders(take.credential_id))
    try:
        status = provider.poll(take.provider_job_id)
    except ProviderError as exc:
        retry_unanswered(take, provider, exc, step, poll_take)
        return
    if watched:
        _watched(take, status, step)
    else:
        _polled(take, provider, status, step)


def _polled(take: Take, provider: Provider, status: JobStatus, step: int) -> None:
    limit = take.credential.stall_seconds if take.credential else None
    deadline = settings.COMICSTUDIO_TAKE_DEADLINE_SECONDS
    if status.state in ("failed", "blocked"):
        blocked = status.state == "blocked"
        engine.finish(
            take,
            status.error,
            status=GenerationStatus.BLOCKED if blocked else GenerationStatus.FAILED,
        )
    elif status.state == "succeeded":  # paid: the cost is recorded and the slot freed now
        if take.record_job_done(cost=status.cost):
            schedule_next(download_take, take, step)
    elif take.elapsed_seconds() > deadline:
        message = f"Not finished after {deadline} s: past the hard deadline for a take."
        engine.finish(take, message, status=GenerationStatus.STALLED, job_running=True)
    elif take.is_stalled(limit):
        seconds = limit or settings.COMICSTUDIO_STALL_SECONDS
        message = f"No progress for {seconds} s: the provider seems stuck."
        engine.finish(take, message, status=GenerationStatus.STALLED, job_running=True)
    else:
        _record_running(take, provider, status.progress)
        schedule_next(poll_take, take, step, _poll_delay(take, status.poll_after))


def _watched(take: Take, status: JobStatus, step: int) -> None:
    """A job we gave up on: it holds its slot until the provider ends it.

    A stalled take's job that succeeds after all made a paid video: it is copied and the
    take succeeds. A cancelled take's video is not wanted: only its bill is recorded.
    """
    if status.state == "succeeded" and take.generation_status == GenerationStatus.STALLED:
        if take.record_job_done(cost=status.cost, late=True):
            schedule_next(download_take, take, step)
    elif status.state == "succeeded":
        take.record_watched_end(cost=status.cost, paid=True)
    elif status.state in ("failed", "blocked"):
        take.record_watched_end(cost=None, paid=False)
    else:
        take.provider_answered()
        schedule_next(poll_take, take, step, settings.COMICSTUDIO_WATCH_POLL_SECONDS)


def _record_running(take: Take, provider: Provider, progress: int) -> None:
    note = ""
    if not provider.capabilities.reports_progress:  # no percentage: elapsed vs. typical
        elapsed, typical = int(take.elapsed_seconds()), provider.capabilities.typical_seconds
        progress = min(95, 100 * elapsed // typical)
        note = f"{elapsed} s of about {typical} s"
    take.record_progress(progress)
    if take.status_note != note:
        take.note(note)


@shared_task(name="generation.sweep_takes", ignore_result=True)
def sweep_takes() -> None:
    """Re-drive takes whose chain was lost (Redis lost its data, a queue was purged).

    Run by beat. A take whose chain is alive is never quiet (each step stamps it, and a
    planned wait counts as activity); a sweep's task takes over a chain, it never adds one.
    """
    now = timezone.now()
    active = Q(generation_status__in=ACTIVE_STATUSES)
    watched = Q(pk__in=Take.objects.watched().values("pk"))
    for take in Take.objects.filter(active | watched).select_related("credential"):
        stamps = [take.polled_at, take.progress_updated_at, take.submitted_at, take.created_at]
        last = max(filter(None, [*stamps, take.not_before]))
        quiet = settings.COMICSTUDIO_SWEEP_SECONDS
        if take.generation_status in WATCHED_STATUSES:
            quiet += settings.COMICSTUDIO_WATCH_POLL_SECONDS
        if now - last < timedelta(seconds=quiet):
            continue
        if take.job_running:
            poll_take.delay(take.pk)
        elif take.provider_job_id:
            download_take.delay(take.pk)
        else:
            submit_take.delay(take.pk)
