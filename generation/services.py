"""Workflows of the generation app around takes: cancelling, provider events.

Review decisions live in `generation.review.services`.

Takes are created by the one door, `generation.takes.door.start_takes`, only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from generation.models import GenerationStatus, Take
from generation.takes import slots
from generation.takes.engine import start_waiting
from generation.takes.events import poll_on_commit, publish_take

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class GenerationRefused(Exception):
    """A take cannot be requested; the message says why and what to do."""


def cancel_take(*, take: Take, cancelled_by: User) -> bool:
    """Cancel a take at any stage before it finished; its slot goes to the next take."""
    if not take.mark_cancelled(f"Cancelled by {cancelled_by.username}."):
        return False
    if take.credential_id:
        credential_id, take_id = take.credential_id, take.pk
        transaction.on_commit(lambda: start_waiting(slots.release(credential_id, take_id)))
    publish_take(take)
    return True


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
