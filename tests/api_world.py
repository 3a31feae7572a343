"""Tokens for the named cast, and a client that sends them (the API takes no session)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from generation.api.models import ApiToken
from generation.api.tokens import create_token, revoke_token


def token_for(user: Any, studio: Any, scope: str = "write", days: int = 30) -> str:
    _, secret = create_token(user=user, studio=studio, name="test", scope=scope, days=days)
    return secret


def expired_token(user: Any, studio: Any) -> str:
    token, secret = create_token(user=user, studio=studio, name="old", scope="write", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return secret


def revoked_token(user: Any, studio: Any) -> str:
    token, secret = create_token(user=user, studio=studio, name="gone", scope="write", days=30)
    revoke_token(token=token)
    return secret


def api(secret: str = "") -> Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(headers=headers)
