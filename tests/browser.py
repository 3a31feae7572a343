"""A real ASGI server (uvicorn, in a thread) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from django.db import connections

from comicstudio.embedded_redis import free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the networking flags Chromium tries to reach hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_or_skip() -> str:
    """Chromium's path; skips loudly (or fails, when CI requires browsers) if it is missing."""
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path:
        return path
    message = f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("COMICSTUDIO_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


class LiveServer:
    def __init__(self) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            "comicstudio.asgi:application",
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test ASGI server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def asgi_server(transactional_db) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    with LiveServer() as server:
        yield server


class WatchedBrowser:
    """The Chromium instance, with every page's console watched for CSP violations."""

    def __init__(self, real: object) -> None:
        self._real = real
        self.violations: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    def _watch(self, message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.location.get('url', '')}: {message.text}")

    def new_context(self, **options):  # type: ignore[no-untyped-def]
        context = self._real.new_context(**options)  # type: ignore[attr-defined]
        context.on("console", self._watch)
        return context

    def new_page(self, **options):  # type: ignore[no-untyped-def]
        page = self._real.new_page(**options)  # type: ignore[attr-defined]
        page.on("console", self._watch)
        return page


@pytest.fixture
def browser() -> Iterator[object]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; our ORM calls stay sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        watched = WatchedBrowser(instance)
        yield watched
        # ORM calls made while Playwright's loop runs get connections of their own context;
        # close them here, in that context, or they outlive the test database.
        connections.close_all()
        instance.close()
        # ORM calls made while Playwright's loop runs get a connection of their own
        # (Django keys connections by context); close it, or PostgreSQL cannot drop the
        # test database at the end.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if watched.violations:  # a page that only works with the policy off is a failure
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(watched.violations))


def log_in(browser, server: LiveServer, username: str, password: str):  # type: ignore[no-untyped-def]
    """A new browser context (its own cookies) logged in as `username`; returns its page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page
