"""Reordering the storyboard in a real Chromium, by drag and by keyboard, seen live by others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from generation.board.render import CHUNK
from generation.models import Take
from projects.models import Scene
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.test_board_queries import fill_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _storyboard(browser, server, user, episode):  # type: ignore[no-untyped-def]
    page = log_in(browser, server, user.username, PASSWORD)
    page.goto(f"{server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=15_000)
    return page


def _order(page) -> list[int]:  # type: ignore[no-untyped-def]
    ids = page.eval_on_selector_all(
        "#scene-grid article.card", "els => els.map(e => e.dataset.scene)"
    )
    return [int(pk) for pk in ids]


def _wait_for_order(page, order: list[int]) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "order => Array.from(document.querySelectorAll('#scene-grid article.card'))"
        ".map(e => Number(e.dataset.scene)).join(',') === order.join(',')",
        arg=order,
        timeout=15_000,
    )


def _stored_order(episode) -> list[int]:  # type: ignore[no-untyped-def]
    scenes = Scene.objects.filter(episode=episode, archived_at__isnull=True).order_by("position")
    return list(scenes.values_list("pk", flat=True))


def test_writer_reorders_by_drag_and_by_keyboard_and_the_reviewer_sees_it_live(
    episode, writer, reviewer, asgi_server, browser
):
    start = _stored_order(episode)
    writer_page = _storyboard(browser, asgi_server, writer, episode)
    reviewer_page = _storyboard(browser, asgi_server, reviewer, episode)
    reviewer_page.evaluate("window.__notReloaded = true")
    assert reviewer_page.locator(".drag").count() == 0  # reviewers cannot reorder

    # Drag the last card's handle onto the first card: both must be on screen for the mouse.
    writer_page.set_viewport_size({"width": 1280, "height": 2000})
    handle = writer_page.locator(f"#scene-{start[-1]} .drag").bounding_box()
    target = writer_page.locator(f"#scene-{start[0]}").bounding_box()
    writer_page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    writer_page.mouse.down()
    for step in range(1, 21):
        writer_page.mouse.move(
            handle["x"] + (target["x"] + 10 - handle["x"]) * step / 20,
            handle["y"] + (target["y"] + 10 - handle["y"]) * step / 20,
        )
        writer_page.wait_for_timeout(20)
    writer_page.mouse.up()

    dragged = [start[-1], *start[:-1]]
    _wait_for_order(writer_page, dragged)
    _wait_for_order(reviewer_page, dragged)
    assert _stored_order(episode) == dragged

    # Keyboard: focus the card that is now first and move it down twice with Alt+ArrowDown.
    writer_page.focus(f"#scene-{start[-1]}")
    writer_page.keyboard.press("Alt+ArrowDown")
    _wait_for_order(writer_page, [start[0], start[-1], *start[1:-1]])
    _wait_for_order(reviewer_page, [start[0], start[-1], *start[1:-1]])
    writer_page.wait_for_function(f"() => document.activeElement.id === 'scene-{start[-1]}'")
    writer_page.keyboard.press("Alt+ArrowDown")
    by_keyboard = [start[0], start[1], start[-1], *start[2:-1]]
    _wait_for_order(writer_page, by_keyboard)
    _wait_for_order(reviewer_page, by_keyboard)

    # The move buttons do the same for anyone who prefers Tab and Enter.
    writer_page.focus(f"#scene-{start[-1]} .move-up")
    writer_page.keyboard.press("Enter")
    by_button = [start[0], start[-1], start[1], *start[2:-1]]
    _wait_for_order(reviewer_page, by_button)
    assert _stored_order(episode) == by_button
    assert reviewer_page.evaluate("window.__notReloaded") is True
    # Only the order was pushed: the reviewer's cards were moved and renumbered in place.
    numbers = reviewer_page.locator("#scene-grid article.card .pos").all_inner_texts()
    assert numbers == [str(n) for n in range(1, len(start) + 1)]


def test_a_filter_and_a_batch_omit_in_the_browser(episode, writer, asgi_server, browser):
    scenes = _stored_order(episode)
    page = _storyboard(browser, asgi_server, writer, episode)

    page.check(f"#scene-{scenes[0]} input.pick")
    page.check(f"#scene-{scenes[2]} input.pick")
    page.wait_for_selector("#picked:has-text('2 selected')")
    page.select_option("select[name=batch_action]", "omit")
    page.click("#batch button[type=submit]")
    page.wait_for_selector(f"#scene-{scenes[2]}.omitted")

    page.select_option("#filter-status", "omitted")
    visible = page.eval_on_selector_all(
        "#scene-grid article.card:not([hidden])", "els => els.map(e => Number(e.dataset.scene))"
    )
    assert visible == [scenes[0], scenes[2]]
    assert list(
        Scene.objects.filter(episode=episode, omitted=True)
        .order_by("position")
        .values_list("pk", flat=True)
    ) == [scenes[0], scenes[2]]


def test_a_card_open_for_editing_survives_another_users_reorder(
    episode, writer, producer, asgi_server, browser
):
    scenes = _stored_order(episode)
    page = _storyboard(browser, asgi_server, writer, episode)
    page.click(f"#scene-{scenes[1]} button.edit")
    page.fill(f"#scene-{scenes[1]} textarea[name=action]", "Half-typed words")

    client = Client()
    client.force_login(producer)
    order = ",".join(map(str, reversed(scenes)))
    client.post(
        reverse("board:reorder_scenes", kwargs={"episode_id": episode.pk}), {"order": order}
    )

    _wait_for_order(page, list(reversed(scenes)))
    assert page.input_value(f"#scene-{scenes[1]} textarea[name=action]") == "Half-typed words"
    page.click(f"#scene-{scenes[1]} button[type=submit]")
    page.wait_for_selector(f"#scene-{scenes[1]} .action:has-text('Half-typed words')")
    assert Scene.objects.get(pk=scenes[1]).action == "Half-typed words"


def test_batch_generate_requests_a_take_for_each_selected_scene(
    episode, writer, asgi_server, browser
):
    scenes = _stored_order(episode)
    page = _storyboard(browser, asgi_server, writer, episode)

    page.check(f"#scene-{scenes[1]} input.pick")
    page.check(f"#scene-{scenes[4]} input.pick")
    page.select_option("select[name=batch_action]", "generate")
    page.click("#batch button[type=submit]")

    for pk in (scenes[1], scenes[4]):
        page.wait_for_selector(f"#scene-{pk} [data-take='1']", timeout=15_000)
    requested = Take.objects.values_list("scene_id", flat=True).order_by("scene__position")
    assert list(requested) == [scenes[1], scenes[4]]


def test_a_batch_provider_change_and_the_provider_filter_in_the_browser(
    episode, writer, asgi_server, browser
):
    scenes = _stored_order(episode)
    page = _storyboard(browser, asgi_server, writer, episode)

    page.check(f"#scene-{scenes[0]} input.pick")
    page.check(f"#scene-{scenes[2]} input.pick")
    page.wait_for_selector("#picked:has-text('2 selected')")
    page.select_option("select[name=batch_action]", "provider")
    page.select_option("#batch select[name=provider]", "veo")
    page.click("#batch button[type=submit]")
    page.wait_for_selector(f"#scene-{scenes[2]} .provider:has-text('veo')")

    page.select_option("#filter-provider", "veo")
    visible = page.eval_on_selector_all(
        "#scene-grid article.card:not([hidden])", "els => els.map(e => Number(e.dataset.scene))"
    )
    assert visible == [scenes[0], scenes[2]]
    stored = Scene.objects.filter(episode=episode, provider="veo").order_by("position")
    assert list(stored.values_list("pk", flat=True)) == [scenes[0], scenes[2]]


def test_a_long_board_loads_as_the_user_scrolls_and_a_filter_reaches_every_scene(
    episode, writer, asgi_server, browser
):
    fill_board(episode, writer, 130)
    omitted = list(
        Scene.objects.filter(episode=episode, omitted=True)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    page = _storyboard(browser, asgi_server, writer, episode)
    assert len(_order(page)) == CHUNK
    assert "1–48 of 130 are loaded" in page.inner_text("#board-more")

    page.locator("#board-more").scroll_into_view_if_needed()
    page.wait_for_function(
        "n => document.querySelectorAll('#scene-grid article.card').length === n",
        arg=2 * CHUNK,
        timeout=15_000,
    )
    assert "1–96 of 130 are loaded" in page.inner_text("#board-more")

    # A filter asks for the chunks not loaded yet, so it covers the whole board.
    page.select_option("#filter-status", "omitted")
    page.wait_for_function("() => !document.getElementById('board-more')", timeout=30_000)
    page.wait_for_function(
        "n => document.querySelectorAll('#scene-grid article.card:not([hidden])').length === n",
        arg=len(omitted),
        timeout=15_000,
    )
    visible = page.eval_on_selector_all(
        "#scene-grid article.card:not([hidden])", "els => els.map(e => Number(e.dataset.scene))"
    )
    assert visible == omitted
    assert _order(page) == _stored_order(episode)
