"""The scene card's derived facts as filters: `{{ scene|scene_status }}` and the like."""

from __future__ import annotations

from django import template

from generation.board import status
from generation.models import Take
from projects.models import Scene

register = template.Library()


@register.filter
def card_take(scene: Scene) -> Take | None:
    """The take the scene's card shows."""
    return status.card_take(scene)


@register.filter
def scene_status(scene: Scene) -> str:
    """The scene's status word (draft, queued, generating, …)."""
    return status.scene_status(scene)


@register.filter
def scene_status_label(scene: Scene) -> str:
    """The scene's status as its card's badge says it."""
    return status.status_label(scene)


@register.filter
def takes_out_of_date(scene: Scene) -> bool:
    """The script changed after the card's take was made."""
    return status.takes_out_of_date(scene)


@register.filter
def max_characters(scene: Scene) -> int:
    """How many characters the scene's provider takes in one shot."""
    return status.max_characters(scene)
