"""Design with AI in the browser: generate candidates, compare, pick; references saved checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from characters.models import ReferenceImage
from generation.design.models import DesignCandidate
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))


def test_owner_designs_a_front_view_picks_one_and_it_becomes_the_checked_reference(
    studio, writer, robot, design_settings, images, asgi_server, browser, celery_worker
):
    images.delay = 1.0  # long enough to see the candidates being made
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/characters/{robot.handle}/")

    page.click("[data-design-link]")

    page.wait_for_selector("#design-front [data-prompt]")
    prompt = page.inner_text("#design-front [data-prompt]")
    assert "Appearance: A small robot painted bright red" in prompt
    page.select_option("#design-front select[name=count]", "3")
    page.click("#design-front button[type=submit]")
    page.wait_for_selector(
        "#angle-front .candidate.status-queued, #angle-front .candidate.status-running"
    )
    page.wait_for_selector("#angle-front[data-in-progress=false] .candidate img", timeout=30_000)
    shown = page.locator("#angle-front .candidate img")
    assert shown.count() == 3
    assert all(
        page.evaluate("(img) => img.naturalWidth", shown.nth(i).element_handle()) == 1024
        for i in range(3)
    )  # three real images side by side
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "design-candidates.png"), full_page=True)

    page.locator("#angle-front .candidate").nth(1).locator(
        "button", has_text="Pick as front"
    ).click()

    page.wait_for_selector("#angle-front [data-picked]")
    assert "Saved as Rosa's front reference" in page.inner_text("#angle-front [data-picked]")
    assert page.locator("#angle-front img.design-current").count() == 1
    reference = ReferenceImage.objects.get(character=robot, angle="front")
    picked = DesignCandidate.objects.get(picked_at__isnull=False)
    assert (reference.width, reference.height) == (1024, 1536) and not reference.has_face
    page.goto(f"{asgi_server.url}/characters/{robot.handle}/")
    assert page.locator("li[data-angle=front] img").count() == 1
    assert picked.character == robot


def test_a_refused_request_is_shown_where_the_owner_asked(
    studio, writer, robot, design_settings, images, asgi_server, browser
):
    design_settings.budget = 0
    design_settings.save()
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/studios/{studio.pk}/characters/{robot.handle}/design/")

    page.click("#design-side button[type=submit]")

    refusal = page.wait_for_selector("#design-side form .refusal")
    assert "character design budget" in refusal.inner_text()
    assert images.requests == []


def test_an_owner_sets_the_image_provider_budget_and_a_projects_continuity(
    studio, owner, episode, images, asgi_server, browser
):
    page = log_in(browser, asgi_server, owner.username, PASSWORD)
    page.goto(f"{asgi_server.url}/studios/{studio.pk}/character-design/")

    page.select_option("select[name=image_provider]", "openai_images")
    page.fill("input[name=api_key]", "sk-image-OwnerKey-7788")
    page.fill("input[name=base_url]", images.base_url)
    page.fill("input[name=budget]", "12.50")
    page.check("input[name=judge_enabled]")
    page.click("form:has(input[value=design]) button[type=submit]")

    now = page.wait_for_selector("#design-now").inner_text()
    assert "OpenAI-compatible Images API" in now and "••••7788" in now
    assert "sk-image-OwnerKey" not in page.content()
    page.select_option("select[name=project]", str(episode.project_id))
    page.fill("input[name=threshold]", "75")
    page.check("input[name=auto_retake]")
    page.click("form:has(input[value=continuity]) button[type=submit]")
    page.wait_for_selector(f"text={episode.project.name}: threshold 75, one automatic retake")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "design-settings.png"), full_page=True)
