"""Pages answer from a fixed pool of threads; streams never hold one (comicstudio/serving.py)."""

from __future__ import annotations

import inspect
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import httpx2 as httpx
import pytest
import uvicorn
from django.urls import URLResolver, get_resolver

from comicstudio.asgi import django_asgi_app
from comicstudio.embedded_redis import free_port
from comicstudio.serving import STREAMED_VIEWS, PagesOnThreads
from tests.api_world import token_for
from tests.conftest import PASSWORD

STREAMS = ("serve_file(", "StreamingHttpResponse(", "FileResponse(")


def _views(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, Callable]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern, inner)
        else:
            yield namespace + (pattern.name or ""), pattern.callback


def _functions(callback: Callable) -> Iterator[Callable]:
    """The view functions behind a URL: django-ninja's path view holds its operations."""
    for cell in getattr(callback, "__closure__", None) or ():
        if hasattr(cell.cell_contents, "operations"):
            yield from (operation.view_func for operation in cell.cell_contents.operations)
            return
    yield inspect.unwrap(getattr(callback, "func", callback))  # a functools.partial's function


def test_every_view_that_answers_with_a_stream_is_served_as_one():
    streaming = {
        name
        for name, callback in _views(get_resolver())
        for function in _functions(callback)
        if any(call in inspect.getsource(function) for call in STREAMS)
    }
    assert streaming == STREAMED_VIEWS


class Server:
    """uvicorn serving an HTTP app of its own on a free port, in a thread."""

    def __init__(self, app: PagesOnThreads) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_open_event_streams_leave_the_pages_answering(studio, writer, episode):
    """More open streams than page threads: the storyboard still answers at once."""
    app = PagesOnThreads(django_asgi_app, threads=2)
    secret = token_for(writer, studio)
    with Server(app) as url:
        streams = []
        for _ in range(4):
            request = urllib.request.Request(
                f"{url}/api/v1/episodes/{episode.pk}/events",
                headers={"Authorization": f"Bearer {secret}"},
            )
            stream = urllib.request.urlopen(request, timeout=30)  # noqa: S310
            assert stream.readline() == b"retry: 3000\n"
            streams.append(stream)
        with httpx.Client(base_url=url, timeout=10) as client:
            login = client.get("/login/")
            client.post("/login/", data={"username": writer.username, "password": PASSWORD,
                        "csrfmiddlewaretoken": login.cookies["csrftoken"]})  # fmt: skip
            started = time.monotonic()
            page = client.get(f"/episodes/{episode.pk}/")
            assert page.status_code == 200
            assert episode.title in page.text
            assert time.monotonic() - started < 5
        for stream in streams:
            stream.close()


def test_pages_held_by_slow_work_leave_new_requests_to_the_async_path():
    """Both page threads wait on something slow: the next page does not queue behind them."""
    release = threading.Event()

    def pages(environ, start_response):  # type: ignore[no-untyped-def]
        if environ["PATH_INFO"] == "/slow/":
            release.wait(20)  # a provider taking its time
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from a page thread"]

    async def streams(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"from the async path"})

    app = PagesOnThreads(streams, threads=2, pages=pages)
    with Server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/quick/").text == "from a page thread"
        slow = [threading.Thread(target=client.get, args=("/slow/",)) for _ in range(2)]
        for thread in slow:
            thread.start()
        time.sleep(0.3)  # both threads taken, for less than HELD_SECONDS: a page queues
        queued = threading.Thread(target=lambda: client.get("/quick/"))
        queued.start()
        time.sleep(1.2)
        started = time.monotonic()
        assert client.get("/quick/").text == "from the async path"
        assert time.monotonic() - started < 1
        release.set()
        for thread in [*slow, queued]:
            thread.join(10)
        assert client.get("/quick/").text == "from a page thread"
