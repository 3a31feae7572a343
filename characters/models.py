"""Characters: the reusable cast of a studio's dramas, and who may see them.

Visibility is decided here and only here: `Character.objects.visible_to(user)` and
`Character.is_visible_to(user)` must always agree (tests hold them to it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from characters.requests import signed_in

if TYPE_CHECKING:
    from characters.requests import Viewer

HANDLE_PATTERN = r"[a-z0-9_]{3,30}"


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


class CharacterQuerySet(models.QuerySet["Character"]):
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
    appearance = models.TextField(
        help_text="The character bible: repeated word for word in every prompt."
    )
    privacy = models.CharField(max_length=16, choices=Privacy.choices, default=Privacy.ONLY_ME)
    approved_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="approved_characters"
    )
    approved_studios = models.ManyToManyField(
        "projects.Studio", blank=True, related_name="shared_characters"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CharacterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"

    def is_visible_to(self, user: Viewer) -> bool:
        """The predicate twin of `visible_to`, for one character already in hand."""
        return Character.objects.visible_to(user).filter(pk=self.pk).exists()
