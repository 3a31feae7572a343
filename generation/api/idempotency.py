"""`Idempotency-Key` on POSTs that spend money or start work (docs/api.md).

The first request with a key stores its answer for the token; a retry with the same key
and the same request gets that answer again (`Idempotent-Replayed: true`) and starts
nothing. The key row is written first, in the same transaction as the work: a second
request with the key waits for the first to commit (a unique index), then replays it.
A refusal (4xx) is not stored, as it started nothing: a retry asks again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from generation.api.auth import Caller
from generation.api.json import dumps
from generation.api.models import IdempotentAnswer
from generation.api.problems import Problem

KEEP = timedelta(hours=24)
MAX_KEY = 200


def _answer(status: int, body: str, replayed: bool = False) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="application/json")
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _replay(found: IdempotentAnswer, request_hash: str) -> HttpResponse:
    if found.request_hash != request_hash:
        raise Problem(
            422,
            "This Idempotency-Key was used for another request: use a new key per request.",
            "idempotency-key-reused",
        )
    return _answer(found.status, found.body, replayed=True)


def run_once(
    request: HttpRequest, found: Caller, work: Callable[[], tuple[int, Any]]
) -> HttpResponse:
    """Answer `work()` once per Idempotency-Key and token; replay the stored answer after."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        status, body = work()
        return _answer(status, dumps(body))
    if len(key) > MAX_KEY:
        raise Problem(422, f"The Idempotency-Key is longer than {MAX_KEY} characters.",
                      "invalid-input")  # fmt: skip
    request_hash = _request_hash(request)
    token = found.token
    IdempotentAnswer.objects.filter(token=token, created_at__lt=timezone.now() - KEEP).delete()
    if (stored := IdempotentAnswer.objects.filter(token=token, key=key).first()) is not None:
        return _replay(stored, request_hash)
    try:
        with transaction.atomic():
            row = IdempotentAnswer.objects.create(
                token=token, key=key, request_hash=request_hash, status=0, body=""
            )
            status, answer = work()
            row.status, row.body = status, dumps(answer)
            row.save(update_fields=["status", "body"])
    except IntegrityError:  # the same key committed meanwhile: its answer is the answer
        stored = IdempotentAnswer.objects.filter(token=token, key=key).first()
        if stored is None:
            raise
        return _replay(stored, request_hash)
    return _answer(row.status, row.body)
