"""The export's Celery task: thin, takes an id, safe to run twice or after a killed worker."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from generation.export.services import run_export

EXPORT_SOFT_TIME_LIMIT = 3600


@shared_task(
    bind=True,
    max_retries=None,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_SOFT_TIME_LIMIT + 60,
)
def build_export(self: Any, export_id: int) -> None:
    """Build an export; while another worker is on it, look again once it could have died."""
    if run_export(export_id) == "busy":
        raise self.retry(countdown=settings.COMICSTUDIO_EXPORT_STALE_SECONDS)
