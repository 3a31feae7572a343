"""In a real Chromium: the bell counts a new notification live; M compares with references."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation.review.comments import add_comment
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.review_world import episode_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mention_reaches_the_bell_of_an_open_page_without_reload(
    episode, writer, reviewer, asgi_server, browser
):
    take = episode_of(episode, 1, writer)[0].takes.get()
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    # Count the socket's messages from before the page's own scripts run.
    page.add_init_script(
        "window.__bellMessages = 0; document.addEventListener('htmx:wsAfterMessage',"
        " e => { if (e.target.closest('.bell-socket')) window.__bellMessages += 1; });"
    )
    page.goto(f"{asgi_server.url}/projects/{episode.project_id}/")
    page.wait_for_function("() => window.__bellMessages >= 1")  # the bell as it is, on connect
    assert page.inner_text("#bell .count") == "0"

    add_comment(take=take, author=reviewer, at_seconds=Decimal(1), text="@wendy_writer the cup")

    page.wait_for_selector("#bell.unread", timeout=5_000)
    assert page.inner_text("#bell .count") == "1"
    assert page.get_attribute("#bell", "aria-label") == "Notifications: 1 unread"
    assert len(loads) == 1  # no reload: the socket swapped the bell


def test_m_cycles_from_the_second_take_to_the_casts_references_and_off(
    episode, writer, reviewer, asgi_server, browser
):
    import io

    from PIL import Image

    from characters.models import Angle, Character
    from characters.services import add_reference
    from characters.uploads import check_image
    from tests.review_world import finished_take

    scene = episode_of(episode, 1, writer)[0]
    finished_take(scene, writer, number=2)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 40, 40)).save(buffer, "PNG")
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia_cook", appearance="x",
                                   privacy="everyone")  # fmt: skip
    checked = check_image(io.BytesIO(buffer.getvalue()), size=len(buffer.getvalue()))
    add_reference(character=mia, angle=Angle.FRONT, checked=checked)
    scene.cast.set([mia])
    page = log_in(browser, asgi_server, reviewer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/review/scenes/{scene.pk}/")
    page.wait_for_selector("#stage[data-ready]")

    page.keyboard.press("m")
    assert page.is_visible("#compare") and not page.is_visible("#refs-compare")
    page.keyboard.press("m")
    assert page.is_visible("#refs-compare") and not page.is_visible("#compare")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#refs-compare img')].every(i => i.naturalWidth > 0)"
    )  # the reference image itself loaded through the permission-checked media view
    assert "comparing with the cast's references" in page.inner_text("#compare-state")
    page.keyboard.press("m")
    assert not page.is_visible("#refs-compare") and not page.is_visible("#compare")


def test_brackets_jump_to_the_approved_scene_before_and_after(
    episode, writer, reviewer, asgi_server, browser
):
    from generation.review.services import record_review

    scenes = episode_of(episode, 4, writer)
    for index in (0, 3):
        record_review(take=scenes[index].takes.get(), author=reviewer, action="approve")
    page = log_in(browser, asgi_server, reviewer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/review/scenes/{scenes[1].pk}/")
    page.wait_for_selector(f"#stage[data-ready][data-scene='{scenes[1].pk}']")

    page.keyboard.press("]")
    page.wait_for_selector(f"#stage[data-ready][data-scene='{scenes[3].pk}']")
    page.keyboard.press("[")
    page.wait_for_selector(f"#stage[data-ready][data-scene='{scenes[0].pk}']")
    assert page.url.endswith(f"/scenes/{scenes[0].pk}/")
