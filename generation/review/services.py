"""Review workflows: appending decisions to the log and deriving each take's status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from generation.board.status import card_take
from generation.models import (
    REVIEW_STATUS_AFTER,
    GenerationStatus,
    ReviewAction,
    ReviewDecision,
    ReviewStatus,
    Take,
)
from generation.review.notifications import notify_changes, notify_if_episode_approved
from generation.services import GenerationRefused
from generation.takes.door import TakeKind, start_takes
from generation.takes.events import publish_take
from projects.models import Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DECISIONS = (ReviewAction.APPROVE, ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES)
DECIDED = (ReviewStatus.APPROVED, ReviewStatus.CHANGES_REQUESTED, ReviewStatus.REJECTED)
# The review status a take must have for each action (absent: any status).
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    ReviewAction.REOPEN: DECIDED,
    ReviewAction.HOLD: (ReviewStatus.UNREVIEWED, ReviewStatus.SUPERSEDED),
    ReviewAction.RESUME: (ReviewStatus.ON_HOLD,),
}
REFUSAL = {
    ReviewAction.REOPEN: "Only an approved, rejected or changes-requested take can be reopened.",
    ReviewAction.HOLD: "Only a take waiting for review can be put on hold.",
    ReviewAction.RESUME: "Only a take on hold can be resumed.",
}
NEEDS_NOTE = (
    ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES, ReviewAction.REOPEN,
    ReviewAction.ALLOW_RETAKE,
)  # fmt: skip


def check_decision(*, take: Take, action: str, reason_code: str = "", note: str = "") -> None:
    """Refuse a decision the take's state or the missing reason does not allow."""
    if action in DECISIONS and take.generation_status != GenerationStatus.SUCCEEDED:
        raise GenerationRefused("Only a finished take can be approved or rejected.")
    if action == ReviewAction.APPROVE and take.review_status == ReviewStatus.APPROVED:
        raise GenerationRefused(f"Take {take.number} is already approved.")
    allowed = ALLOWED_FROM.get(action)
    if allowed is not None and take.review_status not in allowed:
        raise GenerationRefused(REFUSAL[ReviewAction(action)])
    if action == ReviewAction.ALLOW_RETAKE and take.scene.episode.project.retake_cap is None:
        raise GenerationRefused("This project has no retake cap: every take is allowed.")
    if action in NEEDS_NOTE and not note.strip():
        raise GenerationRefused("Say why: the reason is kept in the log.")
    if action in (ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES) and not reason_code:
        raise GenerationRefused("Pick a reason: it is carried into the next take.")


def record_review(
    *, take: Take, author: User, action: str, reason_code: str = "", note: str = ""
) -> ReviewDecision:
    """Append a decision to the review log and derive the take's review status from it."""
    with transaction.atomic():
        # Lock the take: two reviewers deciding at once are applied one after the other.
        take = (
            Take.objects.select_for_update()
            .select_related("scene__episode__project", "requested_by")
            .get(pk=take.pk)
        )
        check_decision(take=take, action=action, reason_code=reason_code, note=note)
        decision = ReviewDecision.objects.create(
            take=take,
            author=author,
            action=action,
            reason_code=reason_code,
            note=note,
        )
        if action in REVIEW_STATUS_AFTER:
            take.review_status = REVIEW_STATUS_AFTER[ReviewAction(action)]
            Take.objects.filter(pk=take.pk).update(review_status=take.review_status)
        if action == ReviewAction.APPROVE:
            # One approved take per scene: the others it replaces are superseded.
            Take.objects.filter(
                scene_id=take.scene_id,
                review_status__in=[ReviewStatus.UNREVIEWED, ReviewStatus.APPROVED],
            ).exclude(pk=take.pk).update(review_status=ReviewStatus.SUPERSEDED)
        # The row is locked and only review_status changed: no reload (it would drop the
        # scene, episode and project already joined, and cost three queries).
        publish_take(take)
        _notify(take, author, action)
    return decision


def allow_retake(*, take: Take, author: User, note: str) -> ReviewDecision:
    """A producer's "Allow one more take" past the project's cap, kept in the review log.

    The door's cap check (`generation.takes.door.takes_left`) counts these entries.
    """
    return record_review(take=take, author=author, action=ReviewAction.ALLOW_RETAKE, note=note)


def _notify(take: Take, author: User, action: str) -> None:
    if action in (ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES):
        verdict = "rejected" if action == ReviewAction.REJECT else "changes requested"
        notify_changes(scene=take.scene, requester=take.requested_by, actor=author,
                       verdict=verdict)  # fmt: skip
    elif action == ReviewAction.APPROVE:
        notify_if_episode_approved(scene=take.scene, actor=author)


def review_take_of(scene: Scene) -> Take | None:
    """The take a reviewer decides on for a scene: the card's take, when it finished."""
    take = card_take(scene)
    if take is None or take.generation_status != GenerationStatus.SUCCEEDED:
        return None
    return take


def record_batch_review(
    *, scenes: Iterable[Scene], author: User, action: str, reason_code: str = "", note: str = ""
) -> tuple[list[ReviewDecision], list[str]]:
    """The same decision on several scenes, each its own log entry; says what it refused."""
    decisions, refused = [], []
    for scene in scenes:
        take = review_take_of(scene)
        if take is None:
            refused.append(f"Scene {scene.position}: no finished take to review.")
            continue
        try:
            decisions.append(
                record_review(
                    take=take, author=author, action=action, reason_code=reason_code, note=note
                )
            )
        except GenerationRefused as exc:
            refused.append(f"Scene {scene.position}: {exc}")
    return decisions, refused


def start_retake(*, take: Take, requested_by: User, remix: bool = False) -> Take:
    """A new take of a reviewed scene: regenerated, or remixed with the review note.

    Through the one door (`start_takes`); its refusal, in its words, is raised for the room.
    A reviewed take finished, so "Regenerate" generates the scene again from its current
    script (a resubmit is for takes that did not finish); the new take replaces this one.
    """
    started = start_takes(
        scenes=[take.scene],
        requested_by=requested_by,
        kind=TakeKind.REMIX if remix else TakeKind.GENERATE,
        source_take=take,
    )
    if not started.takes:
        raise GenerationRefused(started.message or "No take was started.")
    return started.takes[0]
