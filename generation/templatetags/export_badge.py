"""`{% export_badge episode %}`: a link to the episode's exports saying whether the latest
is out of date, for the storyboard header (or any episode page)."""

from __future__ import annotations

from typing import Any

from django import template

from generation.export.services import is_stale
from generation.export.timeline import latest_finished
from projects.models import Episode

register = template.Library()


@register.inclusion_tag("generation/export/_badge.html")
def export_badge(episode: Episode) -> dict[str, Any]:
    latest = latest_finished(episode)
    return {"episode": episode, "latest": latest, "stale": latest is not None and is_stale(latest)}
