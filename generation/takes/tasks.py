"""Celery tasks that drive a take: submit → poll (re-scheduled, never sleeping) → download.

Tasks take ids, re-fetch, and claim their step with a conditional update, so a task
delivered twice (acks_late after a worker died) does nothing the second time. Money is
never spent twice: the job id is stored the moment it is returned, and a submit whose
outcome is unknown is reconciled with the provider's job list or left to a person.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from celery import Task, shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from generation.models import (
    ACTIVE_STATUSES,
    IN_FLIGHT_STATUSES,
    GenerationStatus,
    Take,
    take_upload_path,
)
from generation.money.pricing import take_cost
from generation.prompts import build_request, compile_scene
from generation.providers import Provider, ProviderError
from generation.providers.base import VideoRequest
from generation.takes import engine, slots
from generation.takes.events import publish_take

log = logging.getLogger(__name__)
SLOT_RECHECK_SECONDS = 15  # a waiting take looks again even if no release woke it
NEEDS_ATTENTION_MESSAGE = (
    "The provider may or may not have started this take (the connection failed after "
    "sending) and it cannot be looked up. Check the provider's dashboard, then resubmit "
    "or cancel: resubmitting may be charged twice."
)


def _load(take_id: int) -> Take | None:
    return (
        Take.objects.select_related("scene__episode__project", "credential")
        .filter(pk=take_id)
        .first()
    )


def _request(take: Take) -> VideoRequest:
    if take.request:  # stored by the door when the take was made: sent as it is
        return take.video_request()
    # A take made before requests were stored: compiled as it was then.
    compiled = compile_scene(take.scene, provider=take.provider, credential=take.credential)
    return build_request(
        take.scene,
        prompt=take.prompt,
        width=take.width,
        height=take.height,
        duration=take.duration_seconds,
        compiled=compiled,
    )


def _schedule_poll(take: Take, delay: float | None = None, *, seq: int | None = None) -> None:
    """The next poll of the take's chain (`seq`), or a new chain's first poll."""
    if delay is None:
        webhooks = take.credential is not None and take.credential.has_webhooks
        delay = (
            settings.COMICSTUDIO_WEBHOOK_POLL_SECONDS
            if webhooks
            else settings.COMICSTUDIO_POLL_SECONDS
        )
    poll_take.apply_async((take.pk, seq), countdown=delay)


def _got_slot(take: Take) -> bool:
    if take.credential is None:
        return True
    limit = take.credential.concurrency_limit
    if slots.acquire(take.credential.pk, take.pk, limit=limit):
        return True
    slots.wait(take.credential.pk, take.pk, order=take.created_at.timestamp())
    if take.status_note != "Waiting for a free slot":
        take.note("Waiting for a free slot")
        publish_take(take)
    submit_take.apply_async((take.pk,), countdown=SLOT_RECHECK_SECONDS)
    return False


@shared_task(ignore_result=True)
def submit_take(take_id: int) -> None:
    """Send a queued take to its provider (once a slot is free) and store the job id at once."""
    take = _load(take_id)
    if take is None or take.generation_status not in ACTIVE_STATUSES:
        return
    try:
        provider = engine.provider_for(take)
    except ProviderError as exc:
        engine.fail(take, exc)
        return
    if take.generation_status != GenerationStatus.QUEUED:
        # Redelivered after a crash between the claim and the job id.
        if take.generation_status == GenerationStatus.SUBMITTED and not take.provider_job_id:
            if provider.capabilities.free_to_resubmit:
                _send(take, provider)
            else:
                _reconcile(take, provider)
        return
    if not _got_slot(take) or not take.claim_for_submission():
        return
    publish_take(take)
    _send(take, provider)


def _send(take: Take, provider: Provider) -> None:
    try:
        if take.remix_of_job_id:
            job_id = provider.remix(take.remix_of_job_id, take.prompt)
        else:
            job_id = provider.submit(_request(take))
    except ProviderError as exc:
        _submit_failed(take, provider, exc)
        return
    take.record_job_id(job_id)
    _schedule_poll(take)


def _submit_failed(take: Take, provider: Provider, exc: ProviderError) -> None:
    if exc.ambiguous:
        log.warning("take %s: submit outcome unknown, reconciling", take.pk)
        _reconcile(take, provider)
    elif exc.permanent:
        engine.fail(take, exc)
    elif engine.count_transient(take, exc):
        delay = engine.backoff(take.retries, exc.retry_after)
        take.requeue(f"{exc} Retry {take.retries + 1} in {delay:.0f} s.")
        engine.free_slot(take)
        publish_take(take)
        submit_take.apply_async((take.pk,), countdown=delay)


def _reconcile(take: Take, provider: Provider) -> None:
    """Find the job an ambiguous submit may have made; resubmit only if it surely was not."""
    sent_at = take.submitted_at or take.created_at
    known = set(
        Take.objects.filter(provider=take.provider, prompt=take.prompt)
        .exclude(provider_job_id="")
        .values_list("provider_job_id", flat=True)
    )
    try:
        job_id = provider.find_job(_request(take), since=sent_at.timestamp(), exclude=known)
    except ProviderError as exc:
        if exc.permanent:
            engine.finish(take, NEEDS_ATTENTION_MESSAGE, status=GenerationStatus.NEEDS_ATTENTION)
        else:
            submit_take.apply_async((take.pk,), countdown=engine.backoff(take.retries))
        return
    if job_id:
        take.record_job_id(job_id)
        _schedule_poll(take, 0)
        return
    # A create may still be on its way (another execution of this step, up to the SDK's
    # time limit) or not listed yet: only after both may "not found" mean "never sent".
    grace = timedelta(
        seconds=settings.COMICSTUDIO_PROVIDER_TIMEOUT + settings.COMICSTUDIO_RECONCILE_GRACE_SECONDS
    )
    if timezone.now() - sent_at < grace:
        submit_take.apply_async((take.pk,), countdown=grace.total_seconds())
    elif take.requeue(
        "The provider never received the request: sending it again.", count_retry=False
    ):
        engine.free_slot(take)
        submit_take.delay(take.pk)


@shared_task(ignore_result=True)
def poll_take(take_id: int, seq: int | None = None) -> None:
    """Ask the provider how the job is doing; re-schedule itself until it is done."""
    take = _load(take_id)
    if take is None or take.generation_status not in IN_FLIGHT_STATUSES or not take.provider_job_id:
        return
    seq = take.claim_poll(seq)
    if seq is None:
        return  # another poll of this take has this turn: one chain is enough
    try:
        provider = engine.provider_for(take)
    except ProviderError as exc:  # e.g. the credential was removed meanwhile
        engine.fail(take, exc)
        return
    if take.credential_id:
        slots.renew(take.credential_id, take.pk)
    limit = take.credential.stall_seconds if take.credential else None
    try:
        status = provider.poll(take.provider_job_id)
    except ProviderError as exc:
        if exc.permanent:
            engine.fail(take, exc)
        elif engine.count_transient(take, exc):
            delay = engine.backoff(take.retries, exc.retry_after)
            take.note(f"{exc} Asking again in {delay:.0f} s.", count_retry=True)
            publish_take(take)
            _schedule_poll(take, delay, seq=seq + 1)
        return
    if status.state in ("failed", "blocked"):
        blocked = status.state == "blocked"
        engine.finish(
            take,
            status.error,
            status=GenerationStatus.BLOCKED if blocked else GenerationStatus.FAILED,
        )
    elif status.state == "succeeded":
        # The provider's job is over: its slot goes to the next take while we download.
        engine.free_slot(take)
        download_take.delay(take.pk, str(status.cost) if status.cost is not None else None)
    elif take.elapsed_seconds() > settings.COMICSTUDIO_TAKE_DEADLINE_SECONDS:
        seconds = settings.COMICSTUDIO_TAKE_DEADLINE_SECONDS
        engine.finish(
            take,
            f"Not finished after {seconds} s: past the hard deadline for a take.",
            status=GenerationStatus.STALLED,
        )
    elif take.is_stalled(limit):
        seconds = limit or settings.COMICSTUDIO_STALL_SECONDS
        engine.finish(
            take,
            f"No progress for {seconds} s: the provider seems stuck.",
            status=GenerationStatus.STALLED,
        )
    else:
        _record_running(take, provider, status.progress)
        # The provider's hint is a minimum: never poll sooner than it asks. With webhooks
        # configured, _schedule_poll polls only rarely, as a safety net.
        webhooks = take.credential is not None and take.credential.has_webhooks
        hint = max(status.poll_after or 0, settings.COMICSTUDIO_POLL_SECONDS)
        _schedule_poll(take, None if webhooks else hint, seq=seq + 1)


def _record_running(take: Take, provider: Provider, progress: int) -> None:
    note = ""
    if not provider.capabilities.reports_progress:  # no percentage: elapsed vs. typical
        elapsed, typical = int(take.elapsed_seconds()), provider.capabilities.typical_seconds
        progress = min(95, 100 * elapsed // typical)
        note = f"{elapsed} s of about {typical} s"
    changed = take.record_progress(progress)
    if take.status_note != note:
        changed = take.note(note) or changed
    if changed:
        publish_take(take)


@shared_task(bind=True, ignore_result=True, max_retries=5)
def download_take(self: Task, take_id: int, reported_cost: str | None = None) -> None:
    """Copy the finished video into our storage and mark the take succeeded.

    Retried on its own when the download fails: the take is never generated again for it.
    """
    take = _load(take_id)
    if take is None or take.generation_status not in IN_FLIGHT_STATUSES:
        return
    provider = engine.provider_for(take)
    with tempfile.TemporaryDirectory() as tmp:
        video, thumb = Path(tmp) / "video.mp4", Path(tmp) / "thumbnail.jpg"
        try:
            provider.download(take.provider_job_id, video_path=video, thumbnail_path=thumb)
        except (ProviderError, OSError) as exc:
            permanent = isinstance(exc, ProviderError) and exc.permanent
            if permanent or self.request.retries >= self.max_retries:
                engine.finish(take, f"The video could not be downloaded: {exc}")
                return
            raise self.retry(countdown=2 ** (self.request.retries + 1)) from exc
        with video.open("rb") as v, thumb.open("rb") as t:
            video_name = default_storage.save(take_upload_path(take, "video.mp4"), File(v))
            thumb_name = default_storage.save(take_upload_path(take, "thumbnail.jpg"), File(t))
    cost = Decimal(reported_cost) if reported_cost else take_cost(take)
    if take.mark_succeeded(video_name=video_name, thumbnail_name=thumb_name, cost=cost):
        engine.free_slot(take)
        publish_take(take)
        provider.release(take.provider_job_id)
    else:  # cancelled, or finished by a duplicate task meanwhile: keep nothing twice
        default_storage.delete(video_name)
        default_storage.delete(thumb_name)


@shared_task(ignore_result=True)
def sweep_takes() -> None:
    """Re-drive takes whose tasks were lost (Redis lost its data, a queue was purged).

    Run by beat; duplicates are harmless because every step claims its work.
    """
    quiet = timezone.now() - timedelta(seconds=settings.COMICSTUDIO_SWEEP_SECONDS)
    for take in Take.objects.filter(generation_status__in=ACTIVE_STATUSES).select_related(
        "credential"
    ):
        last = max(
            filter(
                None, [take.polled_at, take.progress_updated_at, take.submitted_at, take.created_at]
            )
        )
        if last > quiet:
            continue
        if take.generation_status in IN_FLIGHT_STATUSES and take.provider_job_id:
            poll_take.delay(take.pk)
        else:
            submit_take.delay(take.pk)
