"""System checks that keep a misconfigured production from starting."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "comicstudio"


@checks.register(TAG, checks.Tags.security)
def credentials_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With DEBUG off, provider credentials need a real Fernet key, not one derived locally."""
    key = settings.COMICSTUDIO_CREDENTIALS_KEY
    if settings.DEBUG and not key:
        return []
    hint = "Generate one with cryptography's Fernet.generate_key() (docs/providers.md)."
    if not key:
        return [checks.Error(
            "COMICSTUDIO_CREDENTIALS_KEY is not set: provider credentials cannot be used.",
            hint=hint, id="comicstudio.E001",
        )]  # fmt: skip
    try:
        Fernet(key)
    except ValueError:
        return [checks.Error(
            "COMICSTUDIO_CREDENTIALS_KEY is not a Fernet key (32 url-safe base64-encoded bytes).",
            hint=hint, id="comicstudio.E002",
        )]  # fmt: skip
    return []


def refuse_to_start_when_misconfigured() -> None:
    """Servers that run no management command (uvicorn) still refuse a broken configuration."""
    errors = [e for e in checks.run_checks(tags=[TAG]) if e.is_serious() and not e.is_silenced()]
    if errors:
        raise ImproperlyConfigured("\n".join(str(e) for e in errors))
