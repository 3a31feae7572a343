"""The API's own rows: personal access tokens, idempotent answers, batches and webhooks."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "cst_"  # noqa: S105 — a prefix, not a secret


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


def token_digest(raw: str) -> str:
    """What is stored of a token: its SHA-256 (a 256-bit random secret needs no slow hash)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that are neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal access token: one user, one studio, a scope and an expiry; hashed at rest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    studio = models.ForeignKey(
        "projects.Studio", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, shown in the list so a user tells their tokens apart.
    hint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.WRITE

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class IdempotentAnswer(models.Model):
    """The answer a POST with an Idempotency-Key gave, replayed for 24 h to the same token."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # The method, path and body hash: the same key with another request is refused (422).
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # The exact bytes sent (text, not JSON: a replay is byte for byte the first answer).
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_token_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class ApiBatch(models.Model):
    """The takes one API request started: its status URL and its completion webhook."""

    episode = models.ForeignKey("projects.Episode", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    takes = models.ManyToManyField("generation.Take", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Batch {self.pk} of {self.episode}"


class Webhook(models.Model):
    """A URL told (signed with its secret) when a user's batch or export in a studio ends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    studio = models.ForeignKey("projects.Studio", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url
