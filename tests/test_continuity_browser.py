"""The judge's notes reach the storyboard card live: real Chromium, server, worker, Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generation.models import Take
from projects.models import Scene
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.continuity_world import NOTES, red_robot, verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))


def test_the_judges_notes_and_a_flag_appear_on_the_card_without_a_reload(
    episode,
    writer,
    judge,
    asgi_server,
    browser,
    celery_worker,
):
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    scene.cast.add(red_robot(writer))
    judge.answer = verdict(35)
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=10_000)
    page.evaluate("window.__notReloaded = true")

    page.click(f"#scene-{scene.pk} button:has-text('Generate')")

    badge = page.wait_for_selector(f"#scene-{scene.pk} [data-continuity-flagged]", timeout=90_000)
    assert "Continuity 35" in badge.inner_text() and NOTES in badge.inner_text()
    assert page.evaluate("window.__notReloaded") is True
    take = Take.objects.get(scene=scene)
    assert take.continuity_flagged and take.continuity_score == 35
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(f"#scene-{scene.pk}").screenshot(path=str(ARTIFACTS / "continuity-card.png"))
    # In the review room, beside the cast's references.
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/review/scenes/{scene.pk}/")
    panel = page.wait_for_selector(f"#continuity-{take.pk}")
    assert f"judge 35 — {NOTES}" in panel.inner_text()
    page.screenshot(path=str(ARTIFACTS / "continuity-review-room.png"), full_page=True)
