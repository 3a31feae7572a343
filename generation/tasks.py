"""Celery tasks that drive a take: submit → poll (re-scheduled, never sleeping) → download.

Tasks take ids, re-fetch, and claim their step with a conditional update, so a task
delivered twice (acks_late after a worker died) does nothing the second time.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from celery import Task, shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from generation.models import IN_FLIGHT_STATUSES, GenerationStatus, Take, take_upload_path
from generation.prompts import build_request
from generation.providers import ProviderError, get_provider
from generation.services import publish_take

log = logging.getLogger(__name__)
MAX_POLL_BACKOFF_SECONDS = 60


def _load(take_id: int) -> Take | None:
    return Take.objects.select_related("scene__episode__project").filter(pk=take_id).first()


def _fail(take: Take, exc: ProviderError) -> None:
    status = GenerationStatus.BLOCKED if exc.blocked else GenerationStatus.FAILED
    if take.mark_failed(str(exc), status=status):
        publish_take(take)


def _schedule_poll(take_id: int, delay: float | None = None) -> None:
    poll_take.apply_async((take_id,), countdown=delay or settings.COMICSTUDIO_POLL_SECONDS)


@shared_task(ignore_result=True)
def submit_take(take_id: int) -> None:
    """Send a queued take to its provider and store the job id at once."""
    take = _load(take_id)
    if take is None:
        return
    provider = get_provider(take.provider)
    if not take.claim_for_submission():
        # Redelivered after a crash between claim and job id: resubmit only where free.
        resubmit = not take.provider_job_id and provider.capabilities.free_to_resubmit
        if not (take.generation_status == GenerationStatus.SUBMITTED and resubmit):
            return
    publish_take(take)
    request = build_request(
        take.scene,
        prompt=take.prompt,
        width=take.width,
        height=take.height,
        duration=take.duration_seconds,
    )
    try:
        job_id = provider.submit(request)
    except ProviderError as exc:
        _fail(take, exc)
        return
    take.record_job_id(job_id)
    _schedule_poll(take_id)


@shared_task(ignore_result=True)
def poll_take(take_id: int, attempt: int = 0) -> None:
    """Ask the provider how the job is doing; re-schedule itself until it is done."""
    take = _load(take_id)
    if take is None or take.generation_status not in IN_FLIGHT_STATUSES:
        return
    try:
        status = get_provider(take.provider).poll(take.provider_job_id)
    except ProviderError as exc:
        if exc.permanent:
            _fail(take, exc)
        else:
            delay = exc.retry_after or min(2**attempt, MAX_POLL_BACKOFF_SECONDS)
            poll_take.apply_async((take_id, attempt + 1), countdown=delay)
        return
    if status.state == "failed":
        _fail(
            take, ProviderError(status.error or "The provider reported a failure.", permanent=True)
        )
    elif status.state == "succeeded":
        download_take.delay(take_id)
    elif take.is_stalled():
        if take.mark_failed("No progress for too long.", status=GenerationStatus.STALLED):
            publish_take(take)
    else:
        if take.record_progress(status.progress):
            publish_take(take)
        _schedule_poll(take_id)


@shared_task(bind=True, ignore_result=True, max_retries=5)
def download_take(self: Task, take_id: int) -> None:
    """Copy the finished video into our storage and mark the take succeeded.

    Retried on its own when the download fails: the take is never generated again for it.
    """
    take = _load(take_id)
    if take is None or take.generation_status not in IN_FLIGHT_STATUSES:
        return
    provider = get_provider(take.provider)
    with tempfile.TemporaryDirectory() as tmp:
        video, thumb = Path(tmp) / "video.mp4", Path(tmp) / "thumbnail.jpg"
        try:
            provider.download(take.provider_job_id, video_path=video, thumbnail_path=thumb)
        except (ProviderError, OSError) as exc:
            permanent = isinstance(exc, ProviderError) and exc.permanent
            if permanent or self.request.retries >= self.max_retries:
                _fail(take, ProviderError(f"The video could not be downloaded: {exc}"))
                return
            raise self.retry(countdown=2 ** (self.request.retries + 1)) from exc
        with video.open("rb") as v, thumb.open("rb") as t:
            video_name = default_storage.save(take_upload_path(take, "video.mp4"), File(v))
            thumb_name = default_storage.save(take_upload_path(take, "thumbnail.jpg"), File(t))
    cost = provider.cost_of(take.duration_seconds)
    if take.mark_succeeded(video_name=video_name, thumbnail_name=thumb_name, cost=cost):
        publish_take(take)
        provider.release(take.provider_job_id)
    else:  # cancelled, or finished by a duplicate task meanwhile: keep nothing twice
        default_storage.delete(video_name)
        default_storage.delete(thumb_name)
