"""Finding a character for the user who asks: 404 when they may not know it exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from characters.models import Character, ReferenceImage

if TYPE_CHECKING:
    from characters.requests import Viewer


def get_character_for_user(user: Viewer, handle: str) -> Character:
    """A character the user may see; 404 whether it is hidden or does not exist."""
    return get_object_or_404(Character.objects.visible_to(user), handle=handle)


def get_character_for_owner(user: Viewer, handle: str) -> Character:
    """A character the user may edit; 404 if hidden, 403 if visible but someone else's."""
    character = get_character_for_user(user, handle)
    if not character.is_editable_by(user):
        raise PermissionDenied
    return character


def get_reference_for_user(user: Viewer, reference_id: int) -> ReferenceImage:
    """A reference image of a character the user may see; 404 otherwise."""
    visible = Character.objects.visible_to(user)
    return get_object_or_404(ReferenceImage.objects.filter(character__in=visible), pk=reference_id)


def belongs_to_a_studio(user: Viewer) -> bool:
    """Whether the user is a member of any studio (studios are named here only by relation)."""
    studios = Character.approved_studios.field.related_model._default_manager
    return bool(user.is_authenticated and studios.filter(memberships__user=user).exists())
