"""Workflows of the generation app around takes: reviewing, cancelling, provider events.

Takes are created by the one door, `generation.takes.door.start_takes`, only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from generation.models import (
    REVIEW_STATUS_AFTER,
    GenerationStatus,
    ReviewAction,
    ReviewDecision,
    ReviewStatus,
    Take,
)
from generation.takes.events import poll_on_commit, publish_take

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class GenerationRefused(Exception):
    """A take cannot be requested; the message says why and what to do."""


def record_review(
    *, take: Take, author: User, action: str, reason_code: str = "", note: str = ""
) -> ReviewDecision:
    """Append a decision to the review log and derive the take's review status from it."""
    if action in (ReviewAction.APPROVE, ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES):
        if take.generation_status != GenerationStatus.SUCCEEDED:
            raise GenerationRefused("Only a finished take can be approved or rejected.")
    with transaction.atomic():
        decision = ReviewDecision.objects.create(
            take=take,
            author=author,
            action=action,
            reason_code=reason_code,
            note=note,
        )
        if action in REVIEW_STATUS_AFTER:
            Take.objects.filter(pk=take.pk).update(
                review_status=REVIEW_STATUS_AFTER[ReviewAction(action)]
            )
        if action == ReviewAction.APPROVE:
            # One approved take per scene: the others it replaces are superseded.
            Take.objects.filter(
                scene_id=take.scene_id,
                review_status__in=[ReviewStatus.UNREVIEWED, ReviewStatus.APPROVED],
            ).exclude(pk=take.pk).update(review_status=ReviewStatus.SUPERSEDED)
        take.refresh_from_db()
        publish_take(take)
    return decision


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
