"""A character made in the browser reaches another user's script editor only after approval."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from characters.models import Character
from projects.models import Membership, Role, Studio
from tests.browser import log_in
from tests.character_media import image_bytes
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))


def _type_mention(page, text: str):  # type: ignore[no-untyped-def]
    area = page.locator("textarea[name=script]")
    area.fill("INT. LAB - DAY\n\n")
    area.press("End")
    area.press_sequentially(text, delay=30)


def test_a_new_character_appears_in_anothers_autocomplete_only_after_approval(
    episode, writer, asgi_server, browser, tmp_path
):
    cora_user = make_user("cora_creator")  # in a studio of her own: previews are for members
    Membership.objects.create(
        studio=Studio.objects.create(name="Cora's"), user=cora_user, role=Role.OWNER
    )
    Character.objects.create(
        owner=writer, name="Lumen", handle="lumen_lamp", appearance="A brass lamp.", kind="object"
    )
    front, side = tmp_path / "front.png", tmp_path / "side.jpg"
    front.write_bytes(image_bytes(size=(300, 400)))
    side.write_bytes(image_bytes("JPEG", size=(300, 400)))

    cora = log_in(browser, asgi_server, "cora_creator", PASSWORD)
    cora.goto(f"{asgi_server.url}/characters/new/")
    cora.fill("input[name=name]", "Lumi")
    cora.fill("input[name=handle]", "lumi_fox")
    cora.select_option("select[name=kind]", "animal")
    cora.fill("textarea[name=appearance]", "A small silver fox with a teal scarf.")
    cora.select_option("select[name=privacy]", "approved")
    cora.set_input_files("input[name=front]", str(front))
    cora.wait_for_selector("#previews figure[data-field=front] img")
    cora.set_input_files("input[name=side]", str(side))
    cora.wait_for_selector("#previews figure[data-field=side] img")
    cora.click("button:has-text('Create character')")
    cora.wait_for_url(f"{asgi_server.url}/characters/lumi_fox/")
    images = cora.locator(".refgrid img")
    assert images.count() == 2
    cora.wait_for_function(
        "() => [...document.querySelectorAll('.refgrid img')].every(i => i.naturalWidth > 0)"
    )

    ARTIFACTS.mkdir(exist_ok=True)
    cora.screenshot(path=str(ARTIFACTS / "character-page.png"), full_page=True)

    wendy = log_in(browser, asgi_server, writer.username, PASSWORD)
    wendy.goto(f"{asgi_server.url}/episodes/{episode.pk}/script/")
    _type_mention(wendy, "@lum")
    wendy.wait_for_selector("#handle-suggestions [data-handle=lumen_lamp]")
    assert wendy.locator("#handle-suggestions [data-handle=lumi_fox]").count() == 0

    cora.select_option("#approvals select[name=who]", "user")
    cora.fill("#approvals input[name=name]", writer.username)
    cora.click("#approvals button:has-text('Approve')")
    cora.wait_for_selector(f"[data-approved-user={writer.username}]")

    _type_mention(wendy, "@lum")
    wendy.wait_for_selector("#handle-suggestions [data-handle=lumi_fox]")
    wendy.screenshot(path=str(ARTIFACTS / "script-autocomplete.png"))
    wendy.goto(f"{asgi_server.url}/characters/")
    wendy.screenshot(path=str(ARTIFACTS / "character-library.png"), full_page=True)
    wendy.go_back()
    _type_mention(wendy, "@lumi")
    wendy.wait_for_selector("#handle-suggestions [data-handle=lumi_fox]")
    wendy.click("#handle-suggestions [data-handle=lumi_fox]")
    assert wendy.input_value("textarea[name=script]").endswith("@lumi_fox ")
