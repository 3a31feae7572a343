"""Template filters of the continuity badge and panel."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from django import template

from projects.models import Scene

register = template.Library()


@register.filter
def cast_all_seen(scene: Scene, visible: Container[int]) -> bool:
    """Whether the viewer may see every cast member (notes may name any of them)."""
    return all(c.pk in visible for c in scene.cast.all())


@register.filter
def continuity_checks_seen(take: Any, cast: list[dict[str, Any]]) -> list[Any]:
    """The take's checks of cast members the viewer may see (the room's `cast` list)."""
    seen = {m["pk"] for m in cast if m["character"] is not None}
    return [c for c in take.continuity_checks.select_related("character") if c.character_id in seen]
