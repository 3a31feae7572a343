"""Characters: the reusable cast of a studio's dramas, and who may see them.

Visibility is decided here and only here: `Character.objects.visible_to(user)` and
`Character.is_visible_to(user)` must always agree (tests hold them to it).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from characters.requests import signed_in
from characters.viewer_queries import per_viewer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from characters.requests import Viewer

HANDLE_PATTERN = r"[a-z0-9_]{3,30}"


class Kind(models.TextChoices):
    ANIMAL = "animal", "Animal"
    MASCOT = "mascot", "Mascot"
    OBJECT = "object", "Object"
    ILLUSTRATED_HUMAN = "illustrated_human", "Illustrated / anime human"
    AVATAR_3D = "avatar_3d", "3D avatar"
    OTHER = "other", "Other"


class Privacy(models.TextChoices):
    ONLY_ME = "only_me", "Only me"
    APPROVED = "approved", "People I approve"
    MUTUALS = "mutuals", "Mutuals"
    EVERYONE = "everyone", "Everyone"


class Follow(models.Model):
    """One user follows another; mutuals are two follows, never stored as one."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_follow"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followed")), name="no_self_follow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.followed}"


def _stored_name(folder: str, filename: str) -> str:
    # Never trust the uploaded name: a random name, the extension our validation chose.
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def reference_clip_path(character: Character, filename: str) -> str:
    return _stored_name(f"characters/{character.pk}/clips", filename)


def reference_image_path(reference: ReferenceImage, filename: str) -> str:
    return _stored_name(f"characters/{reference.character_id}/references", filename)


class CharacterQuerySet(models.QuerySet["Character"]):
    @per_viewer
    def visible_to(self, user: Viewer) -> CharacterQuerySet:
        """Characters this user may see and cast; nothing for anonymous users."""
        member = signed_in(user)
        if member is None:
            return self.none()
        follows_owner = Follow.objects.filter(follower=member, followed=OuterRef("owner"))
        followed_by_owner = Follow.objects.filter(follower=OuterRef("owner"), followed=member)
        approved_user = Character.approved_users.through.objects.filter(
            character=OuterRef("pk"), user=member
        )
        approved_studio = Character.approved_studios.through.objects.filter(
            character=OuterRef("pk"), studio__memberships__user=member
        )
        return self.filter(
            Q(owner=member)
            | Q(privacy=Privacy.EVERYONE)
            | (Q(privacy=Privacy.MUTUALS) & Exists(follows_owner) & Exists(followed_by_owner))
            | (Q(privacy=Privacy.APPROVED) & (Exists(approved_user) | Exists(approved_studio)))
        )

    # The filters below narrow what `visible_to` already allowed; they never widen it.
    def matching(self, text: str) -> CharacterQuerySet:
        """Characters whose name, handle or kind contains the text."""
        text = text.strip().lstrip("@")
        if not text:
            return self
        kinds = [k for k, label in Kind.choices if text.lower() in label.lower()]
        return self.filter(Q(name__icontains=text) | Q(handle__icontains=text) | Q(kind__in=kinds))

    def shared_with_studios_of(self, user: User) -> CharacterQuerySet:
        """Characters approved for a studio the user belongs to."""
        approved_studio = Character.approved_studios.through.objects.filter(
            character=OuterRef("pk"), studio__memberships__user=user
        )
        return self.filter(Exists(approved_studio))


class Character(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="characters"
    )
    name = models.CharField(max_length=80)
    handle = models.CharField(
        max_length=30,
        unique=True,
        validators=[RegexValidator(f"^{HANDLE_PATTERN}$", "3–30 lowercase letters, digits, _")],
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.OTHER)
    appearance = models.TextField(
        help_text="The character bible: repeated word for word in every prompt."
    )
    style_notes = models.TextField(blank=True, help_text="How it is drawn or rendered.")
    negative_notes = models.TextField(
        blank=True, help_text="What must never change (colours, build, accessories)."
    )
    # The optional 2–4 s H.264 clip that registers the character with providers that
    # take characters by id (checked by characters/uploads.py).
    reference_clip = models.FileField(upload_to=reference_clip_path, blank=True)
    clip_seconds = models.FloatField(null=True, blank=True)
    privacy = models.CharField(max_length=16, choices=Privacy.choices, default=Privacy.ONLY_ME)
    approved_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="approved_characters"
    )
    approved_studios = models.ManyToManyField(
        "projects.Studio", blank=True, related_name="shared_characters"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CharacterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"

    def is_visible_to(self, user: Viewer) -> bool:
        """The predicate twin of `visible_to`, for one character already in hand."""
        return Character.objects.visible_to(user).filter(pk=self.pk).exists()

    def is_editable_by(self, user: Viewer) -> bool:
        """Only the owner edits a character (characters are never studio-owned)."""
        return signed_in(user) == self.owner

    @property
    def front_reference(self) -> ReferenceImage | None:
        """The image a card shows: the front view, else the first reference."""
        references = list(self.references.all())
        fronts = [r for r in references if r.angle == Angle.FRONT and r.look_id is None]
        shown = fronts or references
        return shown[0] if shown else None

    @property
    def has_face_in_references(self) -> bool:
        return any(r.has_face for r in self.references.all())


class Look(models.Model):
    """One outfit or appearance of a character ("school uniform"), with its own references."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="looks")
    name = models.CharField(max_length=80)
    description = models.TextField(help_text="Added to the character bible when a scene uses it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["character", "name"], name="unique_look_name")
        ]

    def __str__(self) -> str:
        return f"{self.character.handle}: {self.name}"


class Angle(models.TextChoices):
    FRONT = "front", "Front"
    SIDE = "side", "Side"
    BACK = "back", "Back"
    EXTRA = "extra", "Extra"


class ReferenceImage(models.Model):
    """A checked reference image (re-encoded without metadata) and its thumbnail."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="references")
    look = models.ForeignKey(
        Look, null=True, blank=True, on_delete=models.CASCADE, related_name="references"
    )
    angle = models.CharField(max_length=8, choices=Angle.choices, default=Angle.EXTRA)
    image = models.FileField(upload_to=reference_image_path)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Providers that reject human likeness (docs/characters.md) refuse such references early.
    has_face = models.BooleanField(default=False)
    thumbnail = models.FileField(upload_to=reference_image_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["look_id", "angle", "created_at"]

    def __str__(self) -> str:
        return f"{self.character.handle} {self.angle}"
