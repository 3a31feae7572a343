"""System checks that keep a misconfigured production from starting."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "comicstudio"


@checks.register(TAG, checks.Tags.security, deploy=True)
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


@checks.register(TAG, checks.Tags.security, deploy=True)
def secret_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With DEBUG off there is no local key to fall back on: sessions and links need one.

    A deployment check, so that commands which sign nothing (makemigrations) still run;
    servers run it through `refuse_to_start_when_misconfigured`.
    """
    try:
        if settings.SECRET_KEY:
            return []
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        pass
    return [checks.Error(
        "DJANGO_SECRET_KEY is not set: sessions, CSRF and invitation links cannot be signed.",
        hint="Set DJANGO_SECRET_KEY to a long random value (docs/operations.md).",
        id="comicstudio.E003",
    )]  # fmt: skip


def refuse_to_start_when_misconfigured() -> None:
    """Servers that run no management command (uvicorn) still refuse a broken configuration."""
    checks_run = checks.run_checks(tags=[TAG], include_deployment_checks=True)
    errors = [e for e in checks_run if e.is_serious() and not e.is_silenced()]
    if errors:
        raise ImproperlyConfigured("\n".join(str(e) for e in errors))
