"""Workflows of the generation app around takes: cancelling, provider events.

Review decisions live in `generation.review.services`.

Takes are created by the one door, `generation.takes.door.start_takes`, only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generation.models import GenerationStatus, Take
from generation.takes.events import poll_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class GenerationRefused(Exception):
    """A take cannot be requested; the message says why and what to do."""


def cancel_take(*, take: Take, cancelled_by: User) -> bool:
    """Cancel a take at any stage before it finished (its slot: see Take.mark_cancelled)."""
    return take.mark_cancelled(f"Cancelled by {cancelled_by.username}.")


def handle_video_event(*, credential_id: int, job_id: str) -> bool:
    """A provider says a job finished: poll its take now instead of waiting for the next poll."""
    take = Take.objects.filter(
        credential_id=credential_id,
        provider_job_id=job_id,
        generation_status__in=(GenerationStatus.SUBMITTED, GenerationStatus.RUNNING),
    ).first()
    if take is None:
        return False
    poll_on_commit(take.pk)
    return True
