"""The storyboard as people use it: real Chromium, real server, worker and Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from projects.models import Scene
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))


def _storyboard(page, server, episode):  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=10_000)
    return page


def test_writer_generates_all_and_sees_every_card_finish_live_then_a_review_arrives_live(
    episode, writer, reviewer, asgi_server, browser, celery_worker
):
    scenes = list(Scene.objects.filter(episode=episode).order_by("position"))
    writer_page = _storyboard(
        log_in(browser, asgi_server, writer.username, PASSWORD), asgi_server, episode
    )
    writer_page.evaluate("window.__notReloaded = true")

    writer_page.click("#generate-all")

    for scene in scenes:
        writer_page.wait_for_selector(
            f"#scene-{scene.pk} [data-generation-status=succeeded] video", timeout=90_000
        )
    assert writer_page.evaluate("window.__notReloaded") is True
    assert writer_page.locator("article[data-status=needs_review]").count() == len(scenes)
    # The progress bar was seen on the way (the worker reports steps while rendering).
    ARTIFACTS.mkdir(exist_ok=True)
    writer_page.screenshot(path=str(ARTIFACTS / "storyboard-generated.png"), full_page=True)

    reviewer_page = log_in(browser, asgi_server, reviewer.username, PASSWORD)
    reviewer_page.goto(f"{asgi_server.url}/scenes/{scenes[0].pk}/review/")
    video_ok = reviewer_page.evaluate(
        """() => new Promise(resolve => {
             const v = document.querySelector('video');
             if (v.readyState >= 1) return resolve(v.duration);
             v.addEventListener('loadedmetadata', () => resolve(v.duration));
             v.addEventListener('error', () => resolve(-1));
           })"""
    )
    assert video_ok == pytest.approx(scenes[0].duration_seconds, abs=0.2)
    reviewer_page.click("button.approve")
    reviewer_page.wait_for_selector("[data-review-status=approved]")

    writer_page.wait_for_selector(f"#scene-{scenes[0].pk}[data-status=approved]", timeout=10_000)
    assert writer_page.evaluate("window.__notReloaded") is True
    writer_page.screenshot(path=str(ARTIFACTS / "storyboard-approved.png"), full_page=True)


def test_reject_needs_a_reason_and_the_writer_sees_the_rejection_live(
    episode, writer, reviewer, asgi_server, browser, celery_worker
):
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    writer_page = _storyboard(
        log_in(browser, asgi_server, writer.username, PASSWORD), asgi_server, episode
    )
    writer_page.click(f"#scene-{scene.pk} button:has-text('Generate')")
    writer_page.wait_for_selector(
        f"#scene-{scene.pk} [data-generation-status=succeeded]", timeout=60_000
    )

    reviewer_page = log_in(browser, asgi_server, reviewer.username, PASSWORD)
    reviewer_page.goto(f"{asgi_server.url}/scenes/{scene.pk}/review/")
    reviewer_page.click("button.danger")
    assert "Pick a reason" in reviewer_page.content()

    reviewer_page.select_option("select[name=reason_code]", "character_consistency")
    reviewer_page.fill("textarea[name=note]", "Her apron should be yellow, not blue.")
    reviewer_page.click("button.danger")
    reviewer_page.wait_for_selector("[data-review-status=rejected]")
    assert "Her apron should be yellow" in reviewer_page.content()

    writer_page.wait_for_selector(f"#scene-{scene.pk}[data-status=rejected]", timeout=10_000)
