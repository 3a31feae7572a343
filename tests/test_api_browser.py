"""The API's pages in Chromium under the project's CSP: the interactive docs and the
account's API tokens page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("COMICSTUDIO_SCREENSHOTS", "test-artifacts"))


def test_the_interactive_docs_render_under_the_csp(asgi_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{asgi_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Comic Studio API" in page.inner_text(".swagger-ui .info .title")
    page.get_by_text("/api/v1/episodes/{episode_id}/takes/estimate").wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    # the browser fixture fails the test on any Content-Security-Policy violation


def test_a_token_is_created_shown_once_and_revoked_in_the_browser(
    asgi_server, browser, studio, writer
):
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/account/")
    page.click("text=API tokens")
    page.fill("input[name=name]", "render farm")
    page.select_option("select[name=scope]", "write")
    page.click("button:has-text('Create token')")
    secret = page.inner_text(".token-secret")
    assert secret.startswith("cst_")
    assert "shown only once" in page.inner_text("#new-token")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-tokens.png"), full_page=True)
    page.reload()
    assert secret not in page.content() and "render farm" in page.content()
    page.click("button:has-text('Revoke')")
    expect(page.locator("body")).to_contain_text("revoked: it no longer works")
