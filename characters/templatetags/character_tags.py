"""Template filters that ask the one visibility rule (Character.objects.visible_to)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from characters.models import Character
from characters.requests import Viewer

register = template.Library()


@register.filter
def cast_seen_by(cast: Iterable[Character], user: Viewer) -> list[dict[str, object]]:
    """Each cast member with whether this user may still see it (one query per call)."""
    members = list(cast)
    if not members:
        return []
    visible = set(
        Character.objects.visible_to(user)
        .filter(pk__in=[c.pk for c in members])
        .values_list("pk", flat=True)
    )
    return [{"character": c, "visible": c.pk in visible} for c in members]
