"""How HTTP reaches Django: pages on a fixed pool of threads, long answers on the async path.

Django's ASGI handler runs each request's sync code in a thread made for that request
and opens a database connection for it (and closes both at the end): a fixed cost of
every page. Pages and actions (short answers) therefore go through Django's WSGI handler
on a fixed pool of threads (a2wsgi), and each of those threads keeps its database
connection between requests (`COMICSTUDIO_KEPT_CONNECTION_SECONDS`).

Answers that last (an event stream, a file sent a range at a time) would hold a pool
thread for as long as the client reads, and uploads are read whole and size-checked before
any view runs: both stay on Django's ASGI handler. Which views stream is written once, in
`STREAMED_VIEWS` (tests/test_serving.py holds every view that answers with a stream to
it). WebSockets never come here (comicstudio/asgi.py).
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.urls import URLResolver, get_resolver

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

PAGE_THREAD_PREFIX = "page"
# A page request going for longer than this holds its thread (see PagesOnThreads).
HELD_SECONDS = 1.0
# A form's body; anything larger is an upload (see `uploads`).
PAGE_BODY_BYTES = 256 * 1024

# URL names of the views that answer with a stream: protected files (sent a byte range at a
# time, see characters.protected_media) and the API's server-sent events.
STREAMED_VIEWS = frozenset(
    {
        "characters:reference_image",
        "characters:reference_thumbnail",
        "characters:reference_clip",
        "generation:take_video",
        "generation:take_thumbnail",
        "generation:scene_dialogue",
        "generation:voice_sample_audio",
        "generation:design_candidate_image",
        "generation:design_clip_video",
        "generation:export_file",
        "generation:export_subtitles",
        "api:take_video",
        "api:export_video",
        "api:export_subtitles",
        "api:events",
    }
)


def streamed(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether this request's answer may last: an event stream or a stored file."""
    for name, value in headers:
        if name.lower() == b"accept" and b"text/event-stream" in value:
            return True
    return _streamed_paths().match(path) is not None


def uploads(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether this request sends a large body, or one of unknown length (chunked).

    Django's ASGI handler reads such a body whole before any view runs, where BodyLimit
    cuts it off at the limit (comicstudio/body_limit.py); a page thread would answer first
    and leave the rest of the body to arrive on a connection that no one reads.
    """
    for name, value in headers:
        name = name.lower()
        if name == b"transfer-encoding":
            return True
        if name == b"content-length":
            return not value.strip().isdigit() or int(value) > PAGE_BODY_BYTES
    return False


@functools.cache
def _streamed_paths() -> re.Pattern[str]:
    """One expression for the paths of `STREAMED_VIEWS`, from the URLconf, made once.

    Resolving each request's path here would cost as much as Django's own resolving.
    """
    found = [
        "".join(part.removeprefix("^") for part in parts)
        for name, parts in _patterns(get_resolver())
        if name in STREAMED_VIEWS
    ]
    # Named groups may repeat across the alternatives: they are plain groups here.
    either = "|".join(f"(?:{NAMED_GROUP.sub('(?:', one)})" for one in found)
    return re.compile(f"^/(?:{either})")


NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _patterns(
    resolver: URLResolver, namespace: str = "", prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every view's namespaced URL name with its path's regular expressions, outermost first."""
    for pattern in resolver.url_patterns:
        regex = (*prefix, pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner, regex)
        elif pattern.name:
            yield namespace + pattern.name, regex


class PagesOnThreads:
    """The HTTP app: short answers from the page threads, lasting ones from the async path.

    A page whose work waits on something slow (a provider's answer to "Hear a sample", a
    chat model drafting scenes) holds its thread. When every page thread's request has
    been going for longer than `HELD_SECONDS`, new requests take the async path (a thread
    of their own, as before this pool) instead of queueing behind them.
    """

    def __init__(self, streams: Any, *, threads: int, pages: Any = None) -> None:
        self.streams = streams  # Django's ASGIHandler
        self.threads = threads
        self.pages = WSGIMiddleware(pages or WSGIHandler(), workers=threads)  # type: ignore[arg-type]
        # Threads of our own naming, so their database connections are told apart.
        self.pages.executor.shutdown()
        self.pages.executor = ThreadPoolExecutor(threads, thread_name_prefix=PAGE_THREAD_PREFIX)
        self.started: dict[int, float] = {}  # requests given to the pool (queued or running)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = scope.get("headers", [])
        if streamed(scope["path"], headers) or uploads(headers) or self._held():
            await self.streams(scope, receive, send)
            return
        ticket = id(scope)
        self.started[ticket] = time.monotonic()
        try:
            await self.pages(scope, receive, send)  # type: ignore[arg-type]
        finally:
            del self.started[ticket]

    def _held(self) -> bool:
        """Whether every page thread is taken by a request older than HELD_SECONDS."""
        since = time.monotonic() - HELD_SECONDS
        return sum(1 for start in self.started.values() if start < since) >= self.threads


@receiver(connection_created)
def keep_page_connections(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """A page thread's connection lives on for `COMICSTUDIO_KEPT_CONNECTION_SECONDS`.

    Only the pool's threads (a fixed number per process) keep theirs; every other thread
    (a WebSocket consumer, an event stream, a task) closes its own as Django does with
    CONN_MAX_AGE 0. Django still closes a kept connection that broke or grew too old.
    """
    seconds = settings.COMICSTUDIO_KEPT_CONNECTION_SECONDS
    if seconds and threading.current_thread().name.startswith(PAGE_THREAD_PREFIX):
        connection.close_at = time.monotonic() + seconds
