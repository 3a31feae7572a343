"""A project's activity: every decision, comment, generation and cancellation, newest first.

Read from the records the actions already leave (the append-only review log, comments and
takes), so nothing has to remember to write an activity entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING

from generation.models import GenerationStatus, ReviewDecision, Take
from generation.review.models import ReviewComment
from projects.models import Project, Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LIMIT = 200


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: User | None
    kind: str  # decision, comment, generation, cancellation
    text: str
    scene: Scene


def project_activity(project: Project, *, limit: int = LIMIT) -> list[Entry]:
    """The newest `limit` entries of the project, from four queries of at most `limit` rows."""
    of_project = {"take__scene__episode__project": project}
    decisions = ReviewDecision.objects.filter(**of_project).select_related(
        "author", "take__scene__episode"
    )
    comments = ReviewComment.objects.filter(**of_project).select_related(
        "author", "take__scene__episode"
    )
    takes = Take.objects.filter(scene__episode__project=project)
    entries: list[Entry] = []
    for d in decisions.order_by("-created_at")[:limit]:
        text = f"{d.get_action_display().lower()} take {d.take.number}"  # type: ignore[attr-defined]
        if d.reason_code:
            text += f" ({d.get_reason_code_display()})"  # type: ignore[attr-defined]
        if d.note:
            text += f": {d.note}"
        entries.append(Entry(d.created_at, d.author, "decision", text, d.take.scene))
    for c in comments.order_by("-created_at")[:limit]:
        what = "replied" if c.parent_id else f"commented at {c.at_seconds} s"
        text = f"{what} on take {c.take.number}: {c.text}"
        entries.append(Entry(c.created_at, c.author, "comment", text, c.take.scene))
    for t in takes.select_related("requested_by", "scene__episode").order_by("-created_at")[:limit]:
        what = "a remix" if t.remix_of_job_id else "a retake" if t.replaces_id else "a take"
        text = f"asked for {what}: take {t.number} ({t.provider})"
        entries.append(Entry(t.created_at, t.requested_by, "generation", text, t.scene))
    cancelled = takes.filter(
        generation_status=GenerationStatus.CANCELLED, finished_at__isnull=False
    ).select_related("scene__episode")
    for t in cancelled.order_by("-finished_at")[:limit]:
        assert t.finished_at is not None  # noqa: S101 — filtered above
        text = f"take {t.number} cancelled. {t.error}".strip()
        entries.append(Entry(t.finished_at, None, "cancellation", text, t.scene))
    entries.sort(key=lambda e: e.at, reverse=True)
    return list(islice(entries, limit))
