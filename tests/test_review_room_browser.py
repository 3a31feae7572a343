"""The review room in a real Chromium: the keyboard flow, pinned comments, compare, live."""

from __future__ import annotations

import statistics

import pytest

from generation.models import ReviewDecision
from generation.review.services import record_review
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.review_world import episode_of, finished_take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANGES = {3, 9, 15, 21, 27}  # the scenes (0-based) that need changes
# As functions: a string expression is eval'd while polling, which the page's CSP refuses.
AT_TWO_SECONDS = "() => Math.abs(document.querySelector('#player').currentTime - 2) < 0.01"
STAGE_IS = (
    "pk => (document.querySelector('#stage[data-ready]') || {dataset: {}}).dataset.scene == pk"
)


def _room(browser, server, user, episode, scene=None):  # type: ignore[no-untyped-def]
    page = log_in(browser, server, user.username, PASSWORD)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    path = f"/episodes/{episode.pk}/review/" + (f"scenes/{scene.pk}/" if scene else "")
    page.goto(server.url + path)
    page.wait_for_selector("#room-live[data-live=open]", timeout=15_000)
    return page, loads


def _server_times(page) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds from sending each htmx request to its last byte (Resource Timing)."""
    return page.evaluate(
        "performance.getEntriesByType('resource')"
        ".filter(e => e.initiatorType === 'xmlhttprequest')"
        ".map(e => e.responseEnd - e.requestStart)"
    )


def test_a_reviewer_decides_thirty_scenes_by_keyboard_without_a_page_load(
    episode, writer, reviewer, asgi_server, browser
):
    scenes = episode_of(episode, 30, writer)
    page, loads = _room(browser, asgi_server, reviewer, episode)
    page.evaluate("performance.setResourceTimingBufferSize(1000)")
    keys = texts = 0

    for index, scene in enumerate(scenes):
        page.wait_for_function(STAGE_IS, arg=scene.pk, timeout=10_000)
        if index in CHANGES:
            page.keyboard.press("r")  # focuses the reason
            page.keyboard.press("m")  # "Motion artifact" by its first letter; the note is next
            page.keyboard.type(f"Hands melt in scene {index + 1}.")
            texts += 1
            page.keyboard.press("Enter")
            keys += 3
        else:
            page.keyboard.press("a")
            keys += 1
    page.wait_for_function(
        "() => document.querySelectorAll('.strip-item.status-needs_review').length === 0",
        timeout=10_000,
    )

    times = _server_times(page)
    print(  # noqa: T201 — the figures go into the issue's note
        f"\nreview flow: {keys} keystrokes/clicks (+{texts} notes typed), "
        f"{len(loads)} page load(s), {len(times)} htmx requests, "
        f"server ms median {statistics.median(times):.1f} max {max(times):.1f}"
    )
    assert keys <= 40 and loads == [page.url.split("/review/")[0] + "/review/"]
    decisions = ReviewDecision.objects.filter(take__scene__episode=episode)
    assert decisions.filter(action="approve").count() == 25
    changed = decisions.filter(action="request_changes")
    assert sorted(d.take.scene.position for d in changed) == [i + 1 for i in sorted(CHANGES)]
    assert {d.reason_code for d in changed} == {"motion_artifact"}
    assert changed.get(take__scene=scenes[9]).note == "Hands melt in scene 10."


def test_a_comment_made_at_two_seconds_seeks_there_when_clicked(
    episode, writer, reviewer, asgi_server, browser
):
    scene = episode_of(episode, 1, writer)[0]
    page, _ = _room(browser, asgi_server, reviewer, episode, scene)
    page.wait_for_function("() => document.querySelector('#player').readyState >= 1")

    for _ in range(20):  # 20 frames at the clip's 10 fps
        page.keyboard.press("ArrowRight")
    page.wait_for_function(AT_TWO_SECONDS)
    page.keyboard.press("c")
    page.keyboard.type("The cup changes hands here, @wendy_writer")
    page.keyboard.press("Enter")
    page.wait_for_selector("#stage .comments .seek")

    comment = scene.takes.get().comments.get()
    assert float(comment.at_seconds) == 2.0 and [u.username for u in comment.mentions.all()] == [
        "wendy_writer"
    ]
    page.evaluate("document.querySelector('#player').currentTime = 0")
    page.click("#timeline .marker")  # the marker on the timeline…
    page.wait_for_function(AT_TWO_SECONDS)
    page.evaluate("document.querySelector('#player').currentTime = 3.5")
    page.click("#stage .comments .seek")  # …and the comment itself both seek there
    page.wait_for_function(AT_TWO_SECONDS)


def test_compare_mode_plays_two_takes_in_sync(episode, writer, reviewer, asgi_server, browser):
    scene = episode.scenes.first()
    finished_take(scene, writer, number=1, seconds=6)
    finished_take(scene, writer, number=2, seconds=6)
    page, _ = _room(browser, asgi_server, reviewer, episode, scene)
    page.wait_for_function(
        "() => document.querySelector('#player').readyState >= 3 && "
        "document.querySelector('#compare-player').readyState >= 3"
    )

    page.keyboard.press("m")
    page.keyboard.press(" ")
    page.wait_for_timeout(1500)
    samples = []
    for _ in range(5):
        samples.append(page.evaluate(
            "[document.querySelector('#player').currentTime,"
            " document.querySelector('#compare-player').currentTime,"
            " document.querySelector('#compare-player').paused]"
        ))  # fmt: skip
        page.wait_for_timeout(200)

    assert all(not paused for _, _, paused in samples)
    assert samples[-1][0] > 1.5  # it really played
    assert all(abs(main - other) < 0.1 for main, other, _ in samples), samples


def test_a_decision_reaches_another_review_room_and_storyboard_without_reload(
    episode, writer, reviewer, viewer, asgi_server, browser
):
    scenes = episode_of(episode, 2, writer)
    other_room, other_loads = _room(browser, asgi_server, viewer, episode)
    board = log_in(browser, asgi_server, writer.username, PASSWORD)
    board.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    board.wait_for_selector("#live[data-live=open]", timeout=15_000)
    board.evaluate("window.__notReloaded = true")

    record_review(take=scenes[1].takes.get(), author=reviewer, action="request_changes",
                  reason_code="continuity", note="The cup moved.")  # fmt: skip

    other_room.wait_for_selector(f"#strip-{scenes[1].pk}.status-changes_requested", timeout=5_000)
    board.wait_for_selector(f"#scene-{scenes[1].pk}.status-changes_requested", timeout=5_000)
    assert board.evaluate("window.__notReloaded") is True
    assert len(other_loads) == 1

    # The room on that scene also shows the decision in its log, live.
    other_room.click(f"#strip-{scenes[1].pk} a")
    other_room.wait_for_selector(f"#review-log-{scenes[1].pk} li[data-action=request_changes]")
    record_review(take=scenes[1].takes.get(), author=reviewer, action="reopen", note="Fine.")
    other_room.wait_for_selector(
        f"#review-log-{scenes[1].pk} li[data-action=reopen]", timeout=5_000
    )
