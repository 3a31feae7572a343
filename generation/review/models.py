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
