"""Refusing oversized request bodies before Django reads them (an ASGI wrapper).

Django's ASGI handler spools the whole body to disk before any middleware runs, so the
limit sits in front of it: a declared Content-Length over COMICSTUDIO_MAX_REQUEST_BYTES
is answered 413 at once, without reading a byte; a body that grows past the limit
(chunked, or lying about its length) is cut off there with the same answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def too_large_message() -> str:
    """What the user reads when a request is refused for its size."""
    limit = settings.COMICSTUDIO_MAX_REQUEST_BYTES // (1024 * 1024)
    return (
        f"This request is larger than {limit} MB, more than any upload here may be "
        "(images up to 10 MB, clips up to 20 MB). Choose a smaller file."
    )


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            return int(value) if value.strip().isdigit() else -1
    return None


class BodyLimit:
    """Wraps the HTTP app; WebSockets and lifespan pass through untouched."""

    def __init__(self, app: Any) -> None:  # Django's ASGIHandler, typed with its own names
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = settings.COMICSTUDIO_MAX_REQUEST_BYTES
        declared = _declared_length(scope)
        if declared is not None and not 0 <= declared <= limit:
            await _refuse(send)
            return
        received = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _refuse(send)
                    return {"type": "http.disconnect"}  # Django stops reading and answers nothing
            return message

        await self.app(scope, limited_receive, send)


async def _refuse(send: Send) -> None:
    body = too_large_message().encode()
    await send({
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"x-content-type-options", b"nosniff"),
        ],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
