"""Character design: a studio's image provider and budget, and the candidates it made.

A candidate is one generated image of one angle of a character (or of one of its looks),
kept until its owner discards it; a pick turns it into a reference through the characters
app's own checks (`characters.uploads.check_image` + `characters.services.add_reference`).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation.credentials import seal, unseal
from generation.providers.base import ProviderConfig
from generation.providers.images import IMAGE_PROVIDER_CHOICES


class DesignSettings(models.Model):
    """A studio's image provider (key sealed like video credentials) and design budget."""

    studio = models.OneToOneField(
        "projects.Studio", on_delete=models.CASCADE, related_name="design_settings"
    )
    image_provider = models.CharField(max_length=40, choices=IMAGE_PROVIDER_CHOICES, blank=True)
    api_key_sealed = models.TextField(blank=True)
    key_hint = models.CharField(max_length=4, blank=True)
    base_url = models.URLField(blank=True)
    model = models.CharField(max_length=100, blank=True)
    # Empty: no limit. Every candidate's recorded cost counts, discarded ones included.
    budget = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # The continuity judge: the studio's script-assistant credential, with this model if set.
    judge_enabled = models.BooleanField(default=False)
    judge_model = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Design settings of studio {self.studio_id}"

    def set_api_key(self, key: str) -> None:
        self.api_key_sealed = seal(key)
        self.key_hint = key[-4:]

    @property
    def masked_key(self) -> str:
        return f"••••{self.key_hint}" if self.key_hint else ""

    @property
    def ready(self) -> bool:
        return bool(self.image_provider and self.api_key_sealed)

    def config(self) -> ProviderConfig:
        """What the image provider needs (the key decrypted in memory only)."""
        return ProviderConfig(
            api_key=unseal(self.api_key_sealed), base_url=self.base_url, model=self.model
        )


class DesignAngle(models.TextChoices):
    FRONT = "front", "Front"
    SIDE = "side", "Side"
    BACK = "back", "Back"
    TURNAROUND = "turnaround", "Turnaround sheet"


# A round not made by then is stalled (its task died): no longer in progress, not charged.
STALE_AFTER = timedelta(minutes=15)


class CandidateStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Refused by the provider"


def candidate_path(candidate: DesignCandidate, filename: str) -> str:
    return f"design/{candidate.character_id}/{uuid.uuid4().hex}.png"


class DesignCandidate(models.Model):
    """One generated image of one angle; a round is the candidates made by one request."""

    studio = models.ForeignKey(
        "projects.Studio", on_delete=models.CASCADE, related_name="design_candidates"
    )
    character = models.ForeignKey(
        "characters.Character", on_delete=models.CASCADE, related_name="design_candidates"
    )
    look = models.ForeignKey(
        "characters.Look", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    angle = models.CharField(max_length=12, choices=DesignAngle.choices)
    round = models.UUIDField(default=uuid.uuid4, db_index=True)
    prompt = models.TextField()
    note = models.CharField(max_length=500, blank=True)
    provider = models.CharField(max_length=40)
    model = models.CharField(max_length=100)
    status = models.CharField(
        max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.QUEUED
    )
    error = models.TextField(blank=True)
    image = models.FileField(upload_to=candidate_path, blank=True)
    # The price table's figure per image: estimated when asked, recorded when made.
    estimate = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0"))
    cost = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    picked_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["angle", "-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.character_id} {self.angle} candidate {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (CandidateStatus.QUEUED, CandidateStatus.RUNNING) and not self.stalled

    @property
    def stalled(self) -> bool:
        """Still not made long after it was asked for (a worker died mid-call): discardable."""
        waiting = self.status in (CandidateStatus.QUEUED, CandidateStatus.RUNNING)
        return waiting and self.created_at < timezone.now() - STALE_AFTER


def clip_path(clip: ReferenceClip, filename: str) -> str:
    return f"design/{clip.character_id}/clips/{uuid.uuid4().hex}.mp4"


class ReferenceClip(models.Model):
    """A 4 s turnaround clip made from the chosen front view by a video provider."""

    studio = models.ForeignKey(
        "projects.Studio", on_delete=models.CASCADE, related_name="reference_clips"
    )
    character = models.ForeignKey(
        "characters.Character", on_delete=models.CASCADE, related_name="design_clips"
    )
    provider = models.CharField(max_length=40)
    credential = models.ForeignKey(
        "generation.ProviderCredential", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.TextField()
    job_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.QUEUED
    )
    error = models.TextField(blank=True)
    video = models.FileField(upload_to=clip_path, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    estimate = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0"))
    cost = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Reference clip {self.pk} of {self.character_id}"

    @property
    def in_progress(self) -> bool:
        return self.status in (CandidateStatus.QUEUED, CandidateStatus.RUNNING)
