"""Takes (every generation attempt of a scene) and the append-only review log.

A take's states and their transitions live in `take_states.py`; `Take` holds the fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from generation.models.take_states import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    IN_FLIGHT_STATUSES,
    UNAVAILABLE_STATUSES,
    WATCHED_STATUSES,
    GenerationStatus,
    TakeStates,
)
from generation.providers import PROVIDERS
from generation.providers.base import VideoRequest


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"
    ON_HOLD = "on_hold", "On hold"


def take_upload_path(take: Take, filename: str) -> str:
    return f"takes/{take.scene_id}/{take.number}/{filename}"


class TakeQuerySet(models.QuerySet["Take"]):
    def holding_slot(self) -> TakeQuerySet:
        """Takes whose provider job may be running: each holds a slot of its credential."""
        return self.filter(job_ended_at__isnull=True).filter(
            Q(generation_status__in=IN_FLIGHT_STATUSES)
            | (Q(generation_status__in=WATCHED_STATUSES) & ~Q(provider_job_id=""))
        )

    def watched(self) -> TakeQuerySet:
        """Stalled or cancelled takes whose job still runs at the provider."""
        return self.filter(
            generation_status__in=WATCHED_STATUSES, job_ended_at__isnull=True
        ).exclude(provider_job_id="")


def slot_holders(credential_id: int) -> list[int]:
    """The takes the database says hold one of the credential's slots (rebuilds Redis)."""
    return list(
        Take.objects.filter(credential_id=credential_id).holding_slot().values_list("pk", flat=True)
    )


class Take(TakeStates):
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
    # No task may send the take before this (a backoff or the provider's Retry-After).
    not_before = models.DateTimeField(null=True, blank=True)
    # Since when polls or downloads get no answer, and how many in a row (their backoff).
    unreachable_since = models.DateTimeField(null=True, blank=True)
    unanswered = models.PositiveIntegerField(default=0)
    # When the provider's job ended (done, failed, or past its retention): the slot is free.
    job_ended_at = models.DateTimeField(null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))
    # The cost is the price table's figure for the seconds requested, not the provider's bill.
    cost_estimated = models.BooleanField(default=False)
    video = models.FileField(upload_to=take_upload_path, blank=True)
    thumbnail = models.FileField(upload_to=take_upload_path, blank=True)

    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.UNREVIEWED
    )
    # The continuity check's summary (generation/continuity): the lowest cast score, whether
    # it is under the project's threshold, the short notes on the card. Null: not checked.
    continuity_score = models.PositiveSmallIntegerField(null=True, blank=True)
    continuity_flagged = models.BooleanField(default=False)
    continuity_notes = models.CharField(max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    progress_updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last step of the take's one task chain (submit, poll, download): when (the
    # sweep looks for quiet takes) and its number (claim_step).
    polled_at = models.DateTimeField(null=True, blank=True)
    poll_seq = models.PositiveIntegerField(default=0)

    objects = TakeQuerySet.as_manager()

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


class ReviewAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"
    REOPEN = "reopen", "Reopen"
    COMMENT = "comment", "Comment"
    HOLD = "hold", "Hold"
    RESUME = "resume", "Resume"
    ALLOW_RETAKE = "allow_retake", "Allow one more take"


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
