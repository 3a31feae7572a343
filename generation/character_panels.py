"""What `generation` shows on a character's page (through `characters.panels`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from characters.panels import Panel, register, register_action
from generation.credentials import ProviderCharacter

if TYPE_CHECKING:
    from characters.models import Character
    from characters.requests import AuthenticatedHttpRequest


@register
def provider_registrations(request: AuthenticatedHttpRequest, character: Character) -> Panel | None:
    """The owner's view of where the character is registered with providers."""
    if character.owner_id != request.user.pk:
        return None
    registrations = (
        ProviderCharacter.objects.filter(character=character)
        .select_related("credential__studio")
        .order_by("credential__provider", "credential_id")
    )
    return Panel("generation/characters/_registrations.html", {"registrations": registrations})


@register_action
def design_with_ai(request: AuthenticatedHttpRequest, character: Character) -> Panel | None:
    """Design the character's references with an image model (those who may edit it)."""
    if not character.is_editable_by(request.user):
        return None
    return Panel("generation/characters/_design_action.html", {"handle": character.handle})


@register_action
def voices(request: AuthenticatedHttpRequest, character: Character) -> Panel | None:
    """The character's voices per speech provider (anyone who sees the character)."""
    return Panel("generation/characters/_voices_action.html", {"handle": character.handle})
