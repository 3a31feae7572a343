"""The download step of a take's chain: copy the finished, already paid video into storage.

Registered as the Celery task "generation.download_take"; `tasks.py` imports it, so the
worker's autodiscovery of `generation.takes.tasks` registers it too.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from celery import shared_task
from django.core.files import File
from django.core.files.storage import default_storage

from generation.models import IN_FLIGHT_STATUSES, take_upload_path
from generation.providers import ProviderError
from generation.takes import engine
from generation.takes.chain import give_up, load, retry_unanswered
from generation.takes.events import check_continuity_on_commit
from generation.thumbnails import thumbnail_from_video


@shared_task(name="generation.download_take", ignore_result=True)
def download_take(take_id: int, seq: int | None = None) -> None:
    """Copy the finished (and already paid) video into our storage: the take succeeded.

    Retried with backoff until the provider's retention ends; the take is never generated
    again for it. A missing thumbnail is made from the video.
    """
    take = load(take_id)
    if take is None or take.generation_status not in IN_FLIGHT_STATUSES:
        return
    if take.job_ended_at is None:
        return
    step = take.claim_step(seq)
    if step is None:
        return
    try:
        provider = engine.provider_for(take)
    except ProviderError as exc:
        give_up(take, exc)
        return
    with tempfile.TemporaryDirectory() as tmp:
        video, thumb = Path(tmp) / "video.mp4", Path(tmp) / "thumbnail.jpg"
        try:
            provider.download(take.provider_job_id, video_path=video, thumbnail_path=thumb)
        except (ProviderError, OSError) as exc:
            error = exc if isinstance(exc, ProviderError) else ProviderError(str(exc))
            retry_unanswered(take, provider, error, step, download_take)
            return
        if not thumb.exists() or thumb.stat().st_size == 0:
            thumbnail_from_video(video, thumb)
        with video.open("rb") as v, thumb.open("rb") as t:
            video_name = default_storage.save(take_upload_path(take, "video.mp4"), File(v))
            thumb_name = default_storage.save(take_upload_path(take, "thumbnail.jpg"), File(t))
    if take.mark_succeeded(video_name=video_name, thumbnail_name=thumb_name):
        provider.release(take.provider_job_id)
        check_continuity_on_commit(take.pk)
    else:  # cancelled, or finished by a duplicate task meanwhile: keep nothing twice
        default_storage.delete(video_name)
        default_storage.delete(thumb_name)
