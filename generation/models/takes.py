"""Takes (every generation attempt of a scene) and the append-only review log."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Concat
from django.utils import timezone

from generation.providers import PROVIDERS
from generation.providers.base import VideoRequest


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SUBMITTED = "submitted", "Submitted"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked by the provider"
    STALLED = "stalled", "Stalled"
    CANCELLED = "cancelled", "Cancelled"
    # The submit's outcome is unknown and could not be reconciled: a person decides.
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


ACTIVE_STATUSES = (GenerationStatus.QUEUED, GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)
IN_FLIGHT_STATUSES = (GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)
# What a person may cancel: anything not finished.
CANCELLABLE_STATUSES = (*ACTIVE_STATUSES, GenerationStatus.NEEDS_ATTENTION)
# Failed for provider availability (not moderation): may go to the project's fallback.
UNAVAILABLE_STATUSES = (GenerationStatus.FAILED, GenerationStatus.STALLED)


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"
    ON_HOLD = "on_hold", "On hold"


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
    credential = models.ForeignKey(
        "generation.ProviderCredential",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="takes",
    )
    prompt = models.TextField(help_text="Exactly what was sent to the provider.")
    # The rest of the request as compiled when the take was made (references, character
    # ids, negative notes, dialogue, portraits): sent as stored, never compiled again.
    request = models.JSONField(default=dict, blank=True)
    # A provider-side remix of this job (the prompt then says what to change).
    remix_of_job_id = models.CharField(max_length=200, blank=True)
    duration_seconds = models.PositiveSmallIntegerField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()

    generation_status = models.CharField(
        max_length=16, choices=GenerationStatus.choices, default=GenerationStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    provider_job_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    # What is happening right now (a retry, a wait for a free slot), shown on the card.
    status_note = models.CharField(max_length=300, blank=True)
    retries = models.PositiveIntegerField(default=0)
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
    # The last poll: when (the sweep looks for quiet takes) and its number (claim_poll).
    polled_at = models.DateTimeField(null=True, blank=True)
    poll_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "number"], name="take_number_per_scene")
        ]

    def __str__(self) -> str:
        return f"Take {self.number} of scene {self.scene_id}"

    def video_request(self) -> VideoRequest:
        """The provider request exactly as it was compiled when the take was made."""
        data = self.request

        def pairs(key: str) -> tuple[tuple[str, str], ...]:
            return tuple((a, b) for a, b in data.get(key, ()))

        return VideoRequest(
            prompt=self.prompt,
            duration_seconds=self.duration_seconds,
            width=self.width,
            height=self.height,
            heading=data.get("heading", ""),
            action=data.get("action", ""),
            dialogue=pairs("dialogue"),
            cast=tuple(data.get("cast", ())),
            character_ids=tuple(data.get("character_ids", ())),
            reference_images=tuple(data.get("reference_images", ())),
            negative_prompt=data.get("negative_prompt", ""),
            audio=data.get("audio", True),
            portraits=pairs("portraits"),
        )

    @property
    def is_active(self) -> bool:
        return self.generation_status in ACTIVE_STATUSES

    @property
    def can_cancel(self) -> bool:
        return self.generation_status in CANCELLABLE_STATUSES

    @property
    def can_resubmit(self) -> bool:
        return self.generation_status in (
            *UNAVAILABLE_STATUSES,
            GenerationStatus.NEEDS_ATTENTION,
            GenerationStatus.CANCELLED,
        )

    @property
    def can_remix(self) -> bool:
        """A finished, rejected take of a provider that remixes (OpenAI-compatible)."""
        provider = PROVIDERS.get(self.provider)
        return bool(
            provider
            and provider.can_remix
            and self.generation_status == GenerationStatus.SUCCEEDED
            and self.review_status in (ReviewStatus.REJECTED, ReviewStatus.CHANGES_REQUESTED)
        )

    def get_generation_status_display(self) -> str:  # type: ignore[no-redef]
        """The status as a card shows it, with what is happening now (a retry, a wait)."""
        label = str(GenerationStatus(self.generation_status).label)
        if self.status_note and self.is_active:
            return f"{label} — {self.status_note}"
        return label

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
        updated = Take.objects.filter(pk=self.pk, provider_job_id="").update(
            provider_job_id=job_id, status_note=""
        )
        self.refresh_from_db()
        return updated == 1

    def requeue(self, note: str, *, count_retry: bool = True) -> bool:
        """Submitted (no job was made) → queued again, saying why; counts the retry."""
        return self._transition(
            (GenerationStatus.SUBMITTED,),
            generation_status=GenerationStatus.QUEUED,
            provider_job_id="",
            status_note=note,
            retries=models.F("retries") + int(count_retry),
        )

    def note(self, text: str, *, count_retry: bool = False) -> bool:
        """Say what is happening now (shown on the card) without changing the state."""
        return self._transition(
            CANCELLABLE_STATUSES,
            status_note=text,
            retries=models.F("retries") + int(count_retry),
        )

    def claim_poll(self, seq: int | None) -> int | None:
        """Claim poll number `seq` (the next one when None); None if another poll has it.

        Polls of a take form one chain, numbered: a duplicate (a redelivery, a sweep, a
        webhook) claims the same number as the chain's next poll, and only one wins.
        """
        seq = self.poll_seq + 1 if seq is None else seq
        updated = Take.objects.filter(
            pk=self.pk, poll_seq=seq - 1, generation_status__in=IN_FLIGHT_STATUSES
        ).update(poll_seq=seq, polled_at=timezone.now())
        self.refresh_from_db()
        return seq if updated == 1 else None

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

    def is_stalled(self, limit_seconds: int | None = None) -> bool:
        """No progress for longer than the limit (COMICSTUDIO_STALL_SECONDS by default)."""
        since = self.progress_updated_at or self.submitted_at or self.created_at
        limit = timedelta(seconds=limit_seconds or settings.COMICSTUDIO_STALL_SECONDS)
        return timezone.now() - since > limit

    def elapsed_seconds(self) -> float:
        """Seconds since the take was submitted (0 before)."""
        return (timezone.now() - self.submitted_at).total_seconds() if self.submitted_at else 0.0

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
            status_note="",
            finished_at=timezone.now(),
        )

    def mark_failed(self, error: str, *, status: str = GenerationStatus.FAILED) -> bool:
        """Failed, blocked, stalled or needing attention, with the message a person reads."""
        return self._transition(
            ACTIVE_STATUSES,
            generation_status=status,
            error=error,
            status_note="",
            finished_at=timezone.now(),
        )

    def explain(self, text: str) -> None:
        """Add a sentence to a finished take's error (why nothing more happened)."""
        Take.objects.filter(pk=self.pk).update(error=Concat(
            models.F("error"), models.Value(" " + text)
        ))  # fmt: skip
        self.refresh_from_db(fields=["error"])

    def mark_cancelled(self, reason: str) -> bool:
        """Cancelled by a person, at any stage before it finished."""
        return self._transition(
            CANCELLABLE_STATUSES,
            generation_status=GenerationStatus.CANCELLED,
            error=reason,
            status_note="",
            finished_at=timezone.now(),
        )


class ReviewAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"
    REOPEN = "reopen", "Reopen"
    COMMENT = "comment", "Comment"
    HOLD = "hold", "Hold"
    RESUME = "resume", "Resume"


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
    ReviewAction.HOLD: ReviewStatus.ON_HOLD,
    ReviewAction.RESUME: ReviewStatus.UNREVIEWED,
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
