"""Review comments: notes pinned to a time in a take, with replies; not decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewComment(models.Model):
    """A note at a time in a take's clip (or a reply to one); resolving changes no status."""

    take = models.ForeignKey("generation.Take", on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    at_seconds = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    text = models.TextField()
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="review_mentions"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at_seconds", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment at {self.at_seconds}s on {self.take}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class NotificationKind(models.TextChoices):
    CHANGES = "changes", "A take you requested was rejected or needs changes"
    MENTION = "mention", "You were mentioned in a review comment"
    EPISODE_APPROVED = "episode_approved", "An episode is fully approved"
    REVIEW_REQUESTED = "review_requested", "A review was requested from you"


class Notification(models.Model):
    """One in-app notice for one user (also sent by email unless the kind is muted)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    scene = models.ForeignKey("projects.Scene", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient}: {self.text}"


class NotificationMute(models.Model):
    """A kind of notification a user does not want (neither in the app nor by email)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_mute_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} mutes {self.kind}"
