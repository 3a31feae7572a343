"""A team starts from zero in real Chromium: sign-up, a studio, an invitation accepted."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from django.core import mail

from projects.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
PASSWORD = "a-long-browser-pass-7"  # noqa: S105


def _invitation_link(address: str) -> str:
    """The link in the invitation email sent to `address` (sent after the commit)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if message.to == [address]:
                found = re.search(r"http://\S+/invitations/\S+/", message.body)
                assert found, message.body
                return found.group(0)
        time.sleep(0.05)
    raise AssertionError(f"no invitation email to {address}")


def _sign_up(page, username: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main button[type=submit]")


def test_new_user_signs_up_creates_a_studio_and_an_invited_writer_joins(
    asgi_server, browser, settings
):
    settings.COMICSTUDIO_DEMO = False
    settings.COMICSTUDIO_OPEN_SIGNUP = True
    owner = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    owner.goto(f"{asgi_server.url}/signup/")
    _sign_up(owner, "olivia", "olivia@example.com")
    owner.wait_for_url(f"{asgi_server.url}/studios/new/")
    owner.fill("input[name=name]", "Night Owls")
    owner.fill("textarea[name=description]", "Late-night comic dramas")
    owner.click("main button[type=submit]")
    owner.wait_for_selector("text=Night Owls is ready")
    owner.fill("#invite-form input[name=who]", "wanda@example.com")
    owner.select_option("#invite-form select[name=role]", "reviewer")
    owner.click("#invite-form button[type=submit]")
    shown = owner.locator("#invitation-link code").inner_text()
    link = _invitation_link("wanda@example.com")
    assert shown == link

    invitee = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    invitee.goto(link)
    invitee.click("text=Sign up to accept")
    assert invitee.input_value("input[name=email]") == "wanda@example.com"
    _sign_up(invitee, "wanda", "wanda@example.com")
    invitee.click("text=Accept and join Night Owls")
    invitee.wait_for_selector("text=You joined as Reviewer")

    assert invitee.locator(".switcher .current-studio").inner_text() == "Night Owls"
    invitee.click(".mainnav summary:has-text('Studio')")
    menu = invitee.locator(".studio-menu").inner_text()
    assert "Members" in menu and "Costs" in menu and "Settings" not in menu
    ARTIFACTS.mkdir(exist_ok=True)
    invitee.screenshot(path=str(ARTIFACTS / "invitee-joined-390.png"), full_page=True)
    membership = Membership.objects.get(user__username="wanda")
    assert (membership.studio.name, membership.role) == ("Night Owls", Role.REVIEWER)

    owner.goto(f"{asgi_server.url}/studios/{membership.studio_id}/activity/")
    log = owner.locator("table.activity").inner_text()
    assert "joined" in log and "invited wanda@example.com" in log
    owner.screenshot(path=str(ARTIFACTS / "studio-activity-1440.png"), full_page=True)
