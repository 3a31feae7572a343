"""Per-studio provider credentials, sealed at rest, and per-project generation settings.

Keys are encrypted with Fernet under COMICSTUDIO_CREDENTIALS_KEY. They are never shown
back (only their last four characters), never logged, never put in an error message.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from generation.providers import PROVIDERS
from generation.providers.base import ProviderConfig
from generation.sound.providers import SPEECH_PROVIDERS

# Providers that cost money need a studio credential; named and labelled by their modules.
# Speech providers (generation/sound/) keep their credentials here too, sealed the same way.
REMOTE_VIDEO_PROVIDERS = [(p.name, p.label) for p in PROVIDERS.values() if p.costs_money]
REMOTE_PROVIDERS = REMOTE_VIDEO_PROVIDERS + [
    (p.name, p.label) for p in SPEECH_PROVIDERS.values() if p.costs_money
]


def _fernet() -> Fernet:
    key: str | bytes = settings.COMICSTUDIO_CREDENTIALS_KEY
    if not key:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                "COMICSTUDIO_CREDENTIALS_KEY must be set to store provider credentials."
            )
        # Local runs only: a key derived from the (local) SECRET_KEY.
        key = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
    return Fernet(key)


def seal(secret: str) -> str:
    """Encrypt a secret for storage."""
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def unseal(token: str) -> str:
    """Decrypt a stored secret; a clear error (without the secret) if the key changed."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored provider credential cannot be decrypted: was "
            "COMICSTUDIO_CREDENTIALS_KEY changed? An owner must enter the key again."
        ) from None


class ProviderCredential(models.Model):
    """A studio's account with one remote provider."""

    studio = models.ForeignKey(
        "projects.Studio", on_delete=models.CASCADE, related_name="provider_credentials"
    )
    provider = models.CharField(max_length=40, choices=REMOTE_PROVIDERS)
    api_key_sealed = models.TextField()
    key_hint = models.CharField(max_length=4)
    base_url = models.URLField(blank=True)
    default_model = models.CharField(max_length=100, blank=True)
    concurrency_limit = models.PositiveSmallIntegerField(default=4)
    stall_seconds = models.PositiveIntegerField(
        default=900, help_text="A take without progress for this long is stalled."
    )
    webhook_secret_sealed = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "provider"], name="one_credential_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} for studio {self.studio_id}"

    def __repr__(self) -> str:
        return f"<ProviderCredential {self.pk} {self.provider}>"

    def set_api_key(self, key: str) -> None:
        self.api_key_sealed = seal(key)
        self.key_hint = key[-4:]

    def set_webhook_secret(self, secret: str) -> None:
        self.webhook_secret_sealed = seal(secret)

    @property
    def masked_key(self) -> str:
        return f"••••{self.key_hint}"

    @property
    def has_webhooks(self) -> bool:
        return bool(self.webhook_secret_sealed)

    def webhook_secret(self) -> str:
        return unseal(self.webhook_secret_sealed)

    def config(self) -> ProviderConfig:
        """What the provider needs to call the API (the key decrypted in memory only)."""
        return ProviderConfig(
            api_key=unseal(self.api_key_sealed), base_url=self.base_url, model=self.default_model
        )


class ProjectGenerationSettings(models.Model):
    """Generation choices of a project that the projects app does not hold."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="generation_settings"
    )
    fallback_provider = models.CharField(max_length=40, blank=True)
    auto_fallback = models.BooleanField(
        default=False, help_text="Re-queue takes that fail for availability on the fallback."
    )
    # Empty: no limit. Spent is every take's cost, rejected ones included
    # (generation/money/budget.py).
    budget = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    def __str__(self) -> str:
        return f"Generation settings of project {self.project_id}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    FAILED = "failed", "Failed"


class ProviderCharacter(models.Model):
    """A character's reference clip registered with a provider under one credential.

    Ids are per provider account, hence per credential. This is the only record of
    registrations.
    """

    credential = models.ForeignKey(
        ProviderCredential, on_delete=models.CASCADE, related_name="characters"
    )
    character = models.ForeignKey(
        "characters.Character", on_delete=models.CASCADE, related_name="provider_registrations"
    )
    # Empty while the provider has refused the clip (status "failed", error says why).
    provider_character_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    error = models.TextField(blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["character__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "character"], name="one_registration_per_credential"
            )
        ]

    def __str__(self) -> str:
        return f"{self.character_id} at {self.credential_id}"


def find_credential(*, studio_id: int, provider: str) -> tuple[ProviderCredential | None, str]:
    """The studio's credential for a provider that costs money, or why there is none.

    A free provider (the animatic) needs none: (None, "").
    """
    if not PROVIDERS[provider].costs_money:
        return None, ""
    credential = ProviderCredential.objects.filter(studio_id=studio_id, provider=provider).first()
    if credential is None:
        return None, (
            f"This studio has no credential for the provider {provider!r}: an owner adds one "
            "under Providers."
        )
    return credential, ""
