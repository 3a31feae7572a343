"""The API's background work: watch a batch or an export until it ends, deliver webhooks.

Watching re-schedules itself (no sleeping in a worker); the end is claimed with a
conditional update so a webhook is sent once. A delivery is retried with exponential
backoff on a refused connection, a timeout or a 5xx answer.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from generation.api.models import ApiBatch, Webhook
from generation.api.webhooks import WATCH_SECONDS, signature
from generation.export.models import ACTIVE_EXPORT_STATUSES, Export
from generation.models import ACTIVE_STATUSES
from generation.providers.endpoints import EndpointRefused, check_base_url

DELIVERY_TIMEOUT = 10
MAX_WATCH_SECONDS = 6 * 3600


class DeliveryFailed(Exception):
    """The receiver did not take the event (retried)."""


def _send_to_webhooks(user_id: int, studio_id: int, event: dict[str, Any]) -> None:
    for hook in Webhook.objects.filter(user_id=user_id, studio_id=studio_id):
        deliver_webhook.delay(hook.pk, event)


@shared_task(name="generation.api.watch_batch", ignore_result=True)
def watch_batch(batch_id: int) -> None:
    batch = ApiBatch.objects.select_related("episode__project").filter(pk=batch_id).first()
    if batch is None or batch.finished_at is not None:
        return
    takes = list(batch.takes.all())
    age = (timezone.now() - batch.created_at).total_seconds()
    if any(t.generation_status in ACTIVE_STATUSES for t in takes) and age < MAX_WATCH_SECONDS:
        watch_batch.apply_async(args=[batch_id], countdown=WATCH_SECONDS)
        return
    if (
        ApiBatch.objects.filter(pk=batch_id, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
        != 1
    ):
        return
    event = {
        "type": "batch.finished", "batch_id": batch.pk, "episode_id": batch.episode_id,
        "takes": [{"id": t.pk, "scene_id": t.scene_id, "generation_status": t.generation_status}
                  for t in takes],
    }  # fmt: skip
    _send_to_webhooks(batch.requested_by_id, batch.episode.project.studio_id, event)


@shared_task(name="generation.api.watch_export", ignore_result=True)
def watch_export(export_id: int, user_id: int) -> None:
    export = Export.objects.select_related("episode__project").filter(pk=export_id).first()
    if export is None:
        return
    age = (timezone.now() - export.created_at).total_seconds()
    if export.status in ACTIVE_EXPORT_STATUSES and age < MAX_WATCH_SECONDS:
        watch_export.apply_async(args=[export_id, user_id], countdown=WATCH_SECONDS)
        return
    # One delivery per export and user, however many starts answered this export.
    if not cache.add(f"api-export-finished-{export_id}-{user_id}", 1, timeout=7 * 24 * 3600):
        return
    event = {"type": "export.finished", "export_id": export.pk,
             "episode_id": export.episode_id, "status": export.status}  # fmt: skip
    _send_to_webhooks(user_id, export.episode.project.studio_id, event)


@shared_task(
    name="generation.api.deliver_webhook", ignore_result=True, autoretry_for=(DeliveryFailed,),
    retry_backoff=2, retry_backoff_max=600, retry_jitter=False, max_retries=8,
)  # fmt: skip
def deliver_webhook(webhook_id: int, event: dict[str, Any]) -> None:
    hook = Webhook.objects.filter(pk=webhook_id).first()
    if hook is None:
        return  # removed meanwhile
    try:
        check_base_url(hook.url)  # DNS may have changed since it was registered
    except EndpointRefused:
        return
    body = json.dumps(event).encode()
    request = urllib.request.Request(  # noqa: S310 — http(s) only, checked above
        hook.url, data=body, method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "comicstudio-webhooks",
                 "Comicstudio-Signature": signature(hook.secret, int(time.time()), body)},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT):  # noqa: S310
            return
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise DeliveryFailed(f"{hook.url} answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryFailed(f"{hook.url}: {exc}") from None
