"""The continuity task: a take id in, the service checks it (a second delivery re-checks)."""

from __future__ import annotations

from celery import shared_task

from generation.continuity.services import check_take
from generation.models import CONTINUITY_TASK


@shared_task(name=CONTINUITY_TASK, ignore_result=True, soft_time_limit=300, time_limit=330)
def check_take_continuity(take_id: int) -> None:
    """Score a succeeded take's cast against their references; record it on the card."""
    check_take(take_id)
