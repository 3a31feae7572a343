"""Workflows of the characters app: creating, referencing, sharing and following."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile, File
from django.db import transaction

from characters.faces import has_human_face
from characters.models import Angle, Character, Follow, Look, ReferenceImage

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models.fields.files import FieldFile

    from characters.uploads import CheckedImage


class ApprovalError(Exception):
    """An approval could not be made; the message says why."""


def _delete_after_commit(file: FieldFile) -> None:
    name, storage = file.name, file.storage
    if name:
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def create_character(
    *, owner: User, fields: dict[str, Any], references: dict[str, CheckedImage]
) -> Character:
    """A new character with its first reference images (angle → image)."""
    character = Character.objects.create(owner=owner, **fields)
    for angle, checked in references.items():
        add_reference(character=character, angle=angle, checked=checked)
    return character


@transaction.atomic
def add_reference(
    *, character: Character, angle: str, checked: CheckedImage, look: Look | None = None
) -> ReferenceImage:
    """Store a checked image as a reference; a new front/side/back replaces the old one."""
    if angle != Angle.EXTRA:
        for old in character.references.filter(angle=angle, look=look):
            _delete_after_commit(old.image)
            _delete_after_commit(old.thumbnail)
            old.delete()
    reference = ReferenceImage(
        character=character,
        look=look,
        angle=angle,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        has_face=has_human_face(checked.image),
    )
    reference.image.save(f"reference{checked.extension}", ContentFile(checked.content), save=False)
    try:
        reference.save()
    except Exception:
        reference.image.delete(save=False)  # no file without its row
        raise
    from characters.tasks import make_reference_thumbnail

    transaction.on_commit(partial(make_reference_thumbnail.delay, reference.pk))
    return reference


@transaction.atomic
def remove_reference(*, reference: ReferenceImage) -> None:
    """Delete a reference image and, after commit, its files."""
    _delete_after_commit(reference.image)
    _delete_after_commit(reference.thumbnail)
    reference.delete()


@transaction.atomic
def set_reference_clip(*, character: Character, clip: File, seconds: float) -> None:
    """Store a checked 2–4 s clip as the character's reference clip, replacing the old one."""
    _delete_after_commit(character.reference_clip)
    character.reference_clip.save("clip.mp4", clip, save=False)
    character.clip_seconds = seconds
    try:
        character.save(update_fields=["reference_clip", "clip_seconds", "updated_at"])
    except Exception:
        character.reference_clip.delete(save=False)
        raise


def approve_user(*, character: Character, username: str) -> User:
    """Let a user see and use the character; they see it at once."""
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise ApprovalError(f"There is no user called “{username.strip()}”.")
    if user == character.owner:
        raise ApprovalError("You own this character already.")
    character.approved_users.add(user)
    return user


def approve_studio(*, character: Character, studio_name: str) -> Any:
    """Let every current member of a studio see and use the character."""
    # The studio model is the one the relation names (as a string, the only way a lower
    # app may name a higher app's model): no lookup by app label.
    studio_model = character.approved_studios.model
    studio = studio_model._default_manager.filter(name__iexact=studio_name.strip()).first()
    if studio is None:
        raise ApprovalError(f"There is no studio called “{studio_name.strip()}”.")
    character.approved_studios.add(studio)
    return studio


def follow(*, follower: User, followed: User) -> None:
    """Follow a user (idempotent); two follows make mutuals."""
    if follower != followed:
        Follow.objects.get_or_create(follower=follower, followed=followed)


def unfollow(*, follower: User, followed: User) -> None:
    """Stop following a user; mutuals-only characters disappear for both at once."""
    Follow.objects.filter(follower=follower, followed=followed).delete()


def add_look(*, character: Character, name: str, description: str) -> Look:
    """A new look (outfit) of the character."""
    return Look.objects.create(character=character, name=name, description=description)


@transaction.atomic
def remove_look(*, look: Look) -> None:
    """Delete a look with its reference images and, after commit, their files."""
    for reference in look.references.all():
        remove_reference(reference=reference)
    look.delete()
