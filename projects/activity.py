"""The studio's activity log: one function writes an entry, the Activity page reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.team_models import Activity, ActivityVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from projects.models import Studio


def record_activity(
    *, studio: Studio, actor: User | None, verb: ActivityVerb, subject: str = "", detail: str = ""
) -> Activity:
    """Append who did what to whom in a studio (call it inside the change's transaction)."""
    return Activity.objects.create(
        studio=studio, actor=actor, verb=verb, subject=subject[:200], detail=detail[:300]
    )


def changed_fields(before: dict[str, object], after: dict[str, object]) -> str:
    """A short "field: old → new" summary of what a settings form changed."""
    changes = [
        f"{name.replace('_', ' ')}: {before.get(name)!s} → {value!s}"
        for name, value in after.items()
        if before.get(name) != value
    ]
    return "; ".join(changes)
