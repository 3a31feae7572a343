"""What `generation` shows on a character's page (through `characters.panels`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from characters.panels import Panel, register
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
