"""Review workflows: appending decisions to the log and deriving each take's status."""

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
from generation.services import GenerationRefused, publish_take

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
