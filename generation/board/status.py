"""What a scene card says: the take it shows and the scene's status, in one place.

A scene's status is derived from its takes (DESIGN.md, "Takes"): the take in progress,
else the approved one, else the latest. The words are defined here once; the board's
filter, the card's badge and "Generate all" read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from generation.models import GenerationStatus, ReviewStatus, Take
from generation.providers import get_provider_class
from projects.models import Scene

SCENE_STATUS_LABELS = {
    "draft": "Not generated",
    "queued": "Queued",
    "generating": "Generating",
    "failed": "Failed",
    "needs_review": "Needs review",
    "approved": "Approved",
    "changes_requested": "Changes requested",
    "rejected": "Rejected",
    "on_hold": "On hold",
}
# What "Generate all" picks (scenes without a usable take) and what it leaves alone.
NEEDS_A_TAKE = frozenset({"draft", "failed", "rejected", "changes_requested"})
BUSY = frozenset({"queued", "generating"})

_BY_GENERATION = {
    GenerationStatus.QUEUED: "queued",
    GenerationStatus.SUBMITTED: "queued",
    GenerationStatus.RUNNING: "generating",
    GenerationStatus.FAILED: "failed",
    GenerationStatus.BLOCKED: "failed",
    GenerationStatus.STALLED: "failed",
    GenerationStatus.CANCELLED: "draft",
    GenerationStatus.NEEDS_ATTENTION: "failed",
}
_BY_REVIEW = {
    ReviewStatus.UNREVIEWED: "needs_review",
    ReviewStatus.APPROVED: "approved",
    ReviewStatus.CHANGES_REQUESTED: "changes_requested",
    ReviewStatus.REJECTED: "rejected",
    ReviewStatus.SUPERSEDED: "needs_review",
    ReviewStatus.ON_HOLD: "on_hold",
}


def card_take(scene: Scene) -> Take | None:
    """The take the card shows: the one in progress, else the approved one, else the latest.

    A cancelled take stands for nothing: an earlier take that did not stop short shows instead.
    """
    return pick_take(list(scene.takes.all()))  # type: ignore[attr-defined]  # newest first


class TakeLike(Protocol):
    @property
    def generation_status(self) -> str: ...

    @property
    def review_status(self) -> str: ...

    @property
    def is_active(self) -> bool: ...


def pick_take[T: TakeLike](takes: Sequence[T]) -> T | None:
    """`card_take`'s choice among a scene's takes, newest first (models or the card's rows)."""
    if not takes or takes[0].is_active:
        return takes[0] if takes else None
    approved = [t for t in takes if t.review_status == ReviewStatus.APPROVED]
    if approved:
        return approved[0]
    kept = [t for t in takes if t.generation_status != GenerationStatus.CANCELLED]
    return kept[0] if kept else takes[0]


def take_status(take: Take) -> str:
    """The scene status a take gives its scene."""
    if take.generation_status == GenerationStatus.SUCCEEDED:
        return _BY_REVIEW[ReviewStatus(take.review_status)]
    return _BY_GENERATION[GenerationStatus(take.generation_status)]


def scene_status(scene: Scene) -> str:
    """Derived from the takes: draft, queued, generating, failed, needs_review, approved…"""
    take = card_take(scene)
    return "draft" if take is None else take_status(take)


def status_label(scene: Scene) -> str:
    """The card's pill; a take in progress is named by its own stage, as its bar says."""
    take = card_take(scene)
    if take is not None and take.is_active:
        return str(take.get_generation_status_display())  # type: ignore[attr-defined]
    return SCENE_STATUS_LABELS[scene_status(scene)]


def takes_out_of_date(scene: Scene) -> bool:
    """The script changed after the card's take was made."""
    take = card_take(scene)
    return bool(take and scene.changed_at and scene.changed_at > take.created_at)


def max_characters(scene: Scene) -> int:
    """How many characters the scene's provider takes in one shot."""
    return get_provider_class(scene.effective_provider).capabilities.max_characters
