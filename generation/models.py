"""Takes (every generation attempt of a scene) and the append-only review log."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SUBMITTED = "submitted", "Submitted"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked by the provider"
    STALLED = "stalled", "Stalled"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (GenerationStatus.QUEUED, GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)
IN_FLIGHT_STATUSES = (GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"


# What a scene card says for its take (see projects.models.Scene.status).
_SCENE_STATUS_BY_GENERATION = {
    GenerationStatus.QUEUED: "queued",
    GenerationStatus.SUBMITTED: "queued",
    GenerationStatus.RUNNING: "generating",
    GenerationStatus.FAILED: "failed",
    GenerationStatus.BLOCKED: "failed",
    GenerationStatus.STALLED: "failed",
    GenerationStatus.CANCELLED: "draft",
}
_SCENE_STATUS_BY_REVIEW = {
    ReviewStatus.UNREVIEWED: "needs_review",
    ReviewStatus.APPROVED: "approved",
    ReviewStatus.CHANGES_REQUESTED: "changes_requested",
    ReviewStatus.REJECTED: "rejected",
    ReviewStatus.SUPERSEDED: "needs_review",
}


def take_upload_path(take: Take, filename: str) -> str:
    return f"takes/{take.scene_id}/{take.number}/{filename}"


class Take(models.Model):
    scene = models.ForeignKey("projects.Scene", on_delete=models.PROTECT, related_name="takes")
    number = models.PositiveIntegerField()
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_takes"
    )
    provider = models.CharField(max_length=40)
    prompt = models.TextField(help_text="Exactly what was sent to the provider.")
    duration_seconds = models.PositiveSmallIntegerField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()

    generation_status = models.CharField(
        max_length=16, choices=GenerationStatus.choices, default=GenerationStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    provider_job_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    video = models.FileField(upload_to=take_upload_path, blank=True)
    thumbnail = models.FileField(upload_to=take_upload_path, blank=True)

    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.UNREVIEWED
    )

    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    progress_updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "number"], name="take_number_per_scene")
        ]

    def __str__(self) -> str:
        return f"Take {self.number} of scene {self.scene_id}"

    @property
    def is_active(self) -> bool:
        return self.generation_status in ACTIVE_STATUSES

    @property
    def scene_status(self) -> str:
        if self.generation_status == GenerationStatus.SUCCEEDED:
            return _SCENE_STATUS_BY_REVIEW[ReviewStatus(self.review_status)]
        return _SCENE_STATUS_BY_GENERATION[GenerationStatus(self.generation_status)]

    # State changes: each is a conditional UPDATE, so a duplicate or late task is a no-op.
    def _transition(self, allowed: tuple[str, ...], **fields: Any) -> bool:
        updated = Take.objects.filter(pk=self.pk, generation_status__in=allowed).update(**fields)
        self.refresh_from_db()
        return updated == 1

    def claim_for_submission(self) -> bool:
        """Queued → submitted; False if another task got there first."""
        now = timezone.now()
        return self._transition(
            (GenerationStatus.QUEUED,),
            generation_status=GenerationStatus.SUBMITTED,
            submitted_at=now,
            progress_updated_at=now,
        )

    def record_job_id(self, job_id: str) -> bool:
        """Store the provider's job id the moment it is known."""
        updated = Take.objects.filter(pk=self.pk, provider_job_id="").update(provider_job_id=job_id)
        self.refresh_from_db()
        return updated == 1

    def record_progress(self, progress: int) -> bool:
        """Running, with progress; True when something a viewer would see changed."""
        if progress == self.progress and self.generation_status == GenerationStatus.RUNNING:
            return False
        return self._transition(
            IN_FLIGHT_STATUSES,
            generation_status=GenerationStatus.RUNNING,
            progress=max(progress, self.progress),
            progress_updated_at=timezone.now(),
        )

    def is_stalled(self) -> bool:
        """No progress for longer than COMICSTUDIO_STALL_SECONDS."""
        since = self.progress_updated_at or self.submitted_at or self.created_at
        limit = timedelta(seconds=settings.COMICSTUDIO_STALL_SECONDS)
        return timezone.now() - since > limit

    def mark_succeeded(self, *, video_name: str, thumbnail_name: str, cost: Decimal) -> bool:
        """The result is in our storage: the take is done."""
        return self._transition(
            IN_FLIGHT_STATUSES,
            generation_status=GenerationStatus.SUCCEEDED,
            progress=100,
            video=video_name,
            thumbnail=thumbnail_name,
            cost=cost,
            error="",
            finished_at=timezone.now(),
        )

    def mark_failed(self, error: str, *, status: str = GenerationStatus.FAILED) -> bool:
        """Failed, blocked or stalled, with the message a person will read."""
        return self._transition(
            ACTIVE_STATUSES, generation_status=status, error=error, finished_at=timezone.now()
        )


class ReviewAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"
    REOPEN = "reopen", "Reopen"
    COMMENT = "comment", "Comment"


class ReasonCode(models.TextChoices):
    CHARACTER_CONSISTENCY = "character_consistency", "Character consistency"
    MOTION_ARTIFACT = "motion_artifact", "Motion artifact"
    CONTINUITY = "continuity", "Continuity"
    STYLE = "style", "Style"
    STORY = "story", "Story"
    OTHER = "other", "Other"


REVIEW_STATUS_AFTER = {
    ReviewAction.APPROVE: ReviewStatus.APPROVED,
    ReviewAction.REQUEST_CHANGES: ReviewStatus.CHANGES_REQUESTED,
    ReviewAction.REJECT: ReviewStatus.REJECTED,
    ReviewAction.REOPEN: ReviewStatus.UNREVIEWED,
}


class ReviewDecision(models.Model):
    """One entry of the append-only review log: never updated, never deleted."""

    take = models.ForeignKey(Take, on_delete=models.PROTECT, related_name="decisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    reason_code = models.CharField(max_length=32, choices=ReasonCode.choices, blank=True)
    note = models.TextField(blank=True)
    at_seconds = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.take} by {self.author}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Review decisions are append-only.")
        super().save(*args, **kwargs)
