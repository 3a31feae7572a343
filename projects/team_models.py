"""Invitations to a studio and the studio's append-only activity log.

Why an own log and not django-auditlog / django-simple-history: docs/teams.md, "Audit".
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from projects.models import Role, Studio


def hash_token(raw: str) -> str:
    """How an invitation's secret is stored: only its SHA-256, never the secret itself."""
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(models.Model):
    """A single-use, expiring, revocable invitation to join a studio with a role."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices)
    email = models.EmailField(blank=True)
    # Set when the invitation names an existing account (by username or its email):
    # then only that account may accept it.
    invited_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations_received",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.invitee} to {self.studio} as {self.role}"

    @property
    def invitee(self) -> str:
        """Who was invited, as the owner typed it."""
        return self.invited_user.username if self.invited_user else self.email

    @property
    def state(self) -> str:
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def get_state_display(self) -> str:
        return InvitationState(self.state).label


class ActivityVerb(models.TextChoices):
    STUDIO_CREATED = "studio_created", "created the studio"
    STUDIO_SETTINGS = "studio_settings", "changed the studio settings"
    INVITED = "invited", "invited"
    INVITATION_REVOKED = "invitation_revoked", "revoked the invitation of"
    JOINED = "joined", "joined"
    ROLE_CHANGED = "role_changed", "changed the role of"
    REMOVED = "removed", "removed"
    LEFT = "left", "left the studio"
    PROJECT_SETTINGS = "project_settings", "changed the settings of project"
    PROJECT_TEAM = "project_team", "changed the team of project"


class AppendOnly(Exception):
    """An activity entry is never changed or deleted once written."""


class Activity(models.Model):
    """One entry in a studio's activity log: who did what, to whom, when."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=32, choices=ActivityVerb.choices)
    # The subject as it was named at the time (a username, an email, a project's name),
    # so the log still reads right after the subject is renamed or deleted.
    subject = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return f"{self.actor} {self.get_verb_display()} {self.subject}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("activity entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("activity entries are append-only")
