"""A new team's first approved scene in real Chromium, from zero, with the demo off.

Sign-up, a studio, a writer and a reviewer invited by email (links read from the outbox)
and accepted in their own browsers, a project and an episode made on the pages, a script
pasted and broken down, Generate all on the animatic (a real Celery worker), the cards
finishing live, a reviewer's approval, and the owner's home page counting it.
No step uses the shell, the admin or the ORM to make anything.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.test_team_browser import _invitation_link, _sign_up

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))

SCRIPT = """\
INT. LIGHTHOUSE - NIGHT

Ada climbs the spiral stairs with a lantern.

ADA
Someone has to keep it lit.

EXT. CLIFF - DAWN

Waves break below; a gull lands on the railing.

INT. LIGHTHOUSE KITCHEN - MORNING

Ada pours tea for two and waits.
"""
SCENES = 3


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first-show-{name}.png"), full_page=True)


def _invite(owner, address: str, role: str) -> str:  # type: ignore[no-untyped-def]
    # The invitation form's own fields: the members table has role selects too.
    owner.fill("#invite-form input[name=who]", address)
    owner.select_option("#invite-form select[name=role]", role)
    owner.click("#invite-form button[type=submit]")
    owner.wait_for_selector(f"#invitation-link:has-text('{address} as {role.title()}')")
    link = _invitation_link(address)
    assert owner.locator("#invitation-link code").inner_text() == link
    return link


def _join(browser, link: str, username: str, address: str, role: str):  # type: ignore[no-untyped-def]
    """The invitee signs up from the link, in a browser context of their own, and accepts."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(link)
    page.click("text=Sign up to accept")
    _sign_up(page, username, address)
    page.click("text=Accept and join Lighthouse Films")
    page.wait_for_selector(f"text=You joined as {role}")
    return page


def test_a_new_team_goes_from_sign_up_to_its_first_approved_scene(
    asgi_server, browser, settings, celery_worker
):
    settings.COMICSTUDIO_DEMO = False
    settings.COMICSTUDIO_OPEN_SIGNUP = True
    url = asgi_server.url

    # The owner signs up, makes a studio and invites a writer and a reviewer.
    owner = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    owner.goto(f"{url}/signup/")
    _sign_up(owner, "oona", "oona@example.com")
    owner.wait_for_url(f"{url}/studios/new/")
    owner.fill("input[name=name]", "Lighthouse Films")
    owner.click("main button[type=submit]")
    owner.wait_for_selector("text=Lighthouse Films is ready")
    writer_link = _invite(owner, "wes@example.com", "writer")
    reviewer_link = _invite(owner, "rae@example.com", "reviewer")
    _shot(owner, "1-invitations")

    writer = _join(browser, writer_link, "wes", "wes@example.com", "Writer")
    reviewer = _join(browser, reviewer_link, "rae", "rae@example.com", "Reviewer")

    # The owner makes a project (the animatic is the default provider) and its first episode.
    owner.click(".topbar a.brand")
    owner.click("a.button:has-text('New project')")
    owner.fill("input[name=name]", "The Keeper")
    owner.fill("input[name=logline]", "A lighthouse keeper waits for a visitor.")
    owner.click("main button[type=submit]:has-text('Create project')")
    owner.wait_for_selector("text=Project The Keeper created")
    owner.click("a.button:has-text('New episode')")
    owner.fill("input[name=title]", "The Lamp")
    owner.click("main button[type=submit]:has-text('Create episode')")
    owner.wait_for_selector("text=The Lamp")

    # The writer finds the episode from home, pastes the script and applies the breakdown.
    writer.click(".topbar a.brand")
    writer.click("a:has-text('The Keeper')")
    writer.click("a.title:has-text('The Lamp')")
    writer.click("#scene-grid a.button:has-text('Write the script')")
    writer.fill("textarea[name=script]", SCRIPT)
    writer.click("#script-form button[name=preview]")
    expect(writer.locator("#breakdown-preview .summary")).to_contain_text(f"{SCENES} new")
    writer.click("#apply-breakdown")
    writer.wait_for_selector("#live[data-live=open]", timeout=15_000)
    cards = writer.locator("#scene-grid article.card")
    assert cards.count() == SCENES
    writer.evaluate("window.__notReloaded = true")

    # Generate all; the cards finish live, without a reload.
    writer.click("#generate-all")
    writer.wait_for_selector(f"#board-notice:has-text('{SCENES} scene(s) queued')")
    writer.wait_for_function(
        "n => document.querySelectorAll("
        "'#scene-grid [data-generation-status=succeeded] video').length === n",
        arg=SCENES,
        timeout=120_000,
    )
    assert writer.evaluate("window.__notReloaded") is True
    assert writer.locator("article[data-status=needs_review]").count() == SCENES
    _shot(writer, "2-generated")

    # The reviewer opens the first scene from the storyboard and approves its take.
    reviewer.click(".topbar a.brand")
    reviewer.click("a:has-text('The Keeper')")
    reviewer.click("a.title:has-text('The Lamp')")
    first = reviewer.locator("#scene-grid article.card").first
    first.locator("a:has-text('Review')").click()
    reviewer.click("button.approve")
    reviewer.wait_for_selector("[data-review-status=approved]")
    _shot(reviewer, "3-approved")
    writer.wait_for_selector("article[data-status=approved]", timeout=10_000)

    # The owner's home page counts it.
    owner.click(".topbar a.brand")
    card = owner.locator("li.projectcard:has-text('The Keeper')")
    counted = card.locator(".approved-count").inner_text()
    assert re.fullmatch(rf"1 of {SCENES} scenes approved", counted), counted
    assert card.locator("progress").get_attribute("value") == "1"
    assert card.locator("progress").get_attribute("max") == str(SCENES)
    _shot(owner, "4-home")
