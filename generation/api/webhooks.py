"""Webhooks: a user registers URLs told when their batches and exports in a studio end.

A URL must reach a public address (the providers' endpoint check, `check_base_url`, at
registration and again at each delivery). Each delivery is signed with the webhook's
secret (`Comicstudio-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">`) and retried
with exponential backoff by a Celery task (`generation/api/tasks.py`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from celery import current_app
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from generation.api.auth import caller, writer
from generation.api.models import ApiBatch, Webhook
from generation.api.problems import Problem
from generation.export.models import Export
from generation.models import Take
from generation.providers.endpoints import EndpointRefused, check_base_url
from projects.models import Episode

router = Router(tags=["webhooks"])
WATCH_BATCH_TASK = "generation.api.watch_batch"
WATCH_EXPORT_TASK = "generation.api.watch_export"
WATCH_SECONDS = 3
# http(s)://host[:port][/path…]: an ASCII host name or IPv4 address (no IPv6 literal, no
# user info), a port up to 65535; whether it is public is checked after (`check_base_url`).
PORT = r"([1-5]?[0-9]{1,4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
URL = rf"^https?://[A-Za-z0-9.-]+(:{PORT})?([/?#][^\s\x00]*)?$"


class WebhookIn(Schema):
    url: str = Field(max_length=500, pattern=URL, description="http(s), an ASCII host name")


class WebhookOut(Schema):
    id: int
    url: str
    created_at: datetime


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="Shown once: verify the Comicstudio-Signature with it.")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def watch_batch_on_commit(batch_id: int) -> None:
    transaction.on_commit(
        lambda: current_app.send_task(WATCH_BATCH_TASK, args=[batch_id], countdown=WATCH_SECONDS)
    )


def has_webhooks(user_id: int, studio_id: int) -> bool:
    return Webhook.objects.filter(user_id=user_id, studio_id=studio_id).exists()


def watch_page_batch(episode: Episode, user: User, takes: list[Take]) -> None:
    """A Generate all on the storyboard: watched like an API batch when its user has webhooks.

    Webhooks are the user's, per studio: they hear of the batches and exports that user
    starts in that studio, on the pages or through the API (never of other members' work,
    which may be in projects the user cannot see).
    """
    if not takes or not has_webhooks(user.pk, episode.project.studio_id):
        return
    batch = ApiBatch.objects.create(episode=episode, requested_by=user)
    batch.takes.set(takes)
    watch_batch_on_commit(batch.pk)


def watch_page_export(export: Export, user: User) -> None:
    """An export started on the export page, watched when its user has webhooks."""
    if has_webhooks(user.pk, export.episode.project.studio_id):
        watch_export_on_commit(export.pk, user.pk)


def watch_export_on_commit(export_id: int, user_id: int) -> None:
    transaction.on_commit(
        lambda: current_app.send_task(
            WATCH_EXPORT_TASK, args=[export_id, user_id], countdown=WATCH_SECONDS
        )
    )


@router.get("/webhooks", response=list[WebhookOut])
def webhooks(request: HttpRequest) -> list[WebhookOut]:
    found = caller(request)
    mine = Webhook.objects.filter(user=found.user, studio=found.token.studio).order_by("pk")
    return [WebhookOut(id=w.pk, url=w.url, created_at=w.created_at) for w in mine]


def _refused_url(message: str) -> Problem:
    return Problem(422, message, "webhook-url", errors=[{"field": "url", "message": message}])


def checked_url(url: str) -> str:
    """The URL, if it is http(s) and reaches public addresses only; else a 422."""
    try:
        urlsplit(url).port  # noqa: B018 — a malformed host or port raises here
        check_base_url(url)
    except EndpointRefused as exc:
        raise _refused_url(str(exc).replace("base URL", "webhook URL")) from None
    except ValueError:
        raise _refused_url("The webhook URL is not a valid http(s) URL.") from None
    return url


@router.post("/webhooks", response={201: NewWebhookOut})
def register(request: HttpRequest, payload: WebhookIn) -> Status[NewWebhookOut]:
    """Register a URL for `batch.finished` and `export.finished` (public addresses only)."""
    found = writer(request)
    url = checked_url(payload.url.strip())
    hook = Webhook.objects.create(
        user=found.user, studio=found.token.studio, url=url, secret=secrets.token_hex(32)
    )
    made = NewWebhookOut(id=hook.pk, url=hook.url, created_at=hook.created_at, secret=hook.secret)
    return Status(201, made)


@router.delete("/webhooks/{webhook_id}", response={204: None})
def remove(request: HttpRequest, webhook_id: int) -> Status[None]:
    found = writer(request)
    hook = get_object_or_404(Webhook, pk=webhook_id, user=found.user, studio=found.token.studio)
    hook.delete()
    return Status(204, None)
