"""The storyboard stays fast at any size: the same few SQL queries, the first cards at once,
the rest in chunks as the user scrolls, and cards rendered once per viewer class."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from characters.models import Character, Privacy
from generation.board.cards import EXTRA_FACTS
from generation.board.render import CHUNK, render_card, render_grid
from generation.models import Take
from projects.access import membership_in
from projects.models import Scene
from tests.factories import unsaved_take

pytestmark = pytest.mark.django_db
# the board's (session and user, episode and membership, character filter, the chunk's
# rows: scenes, cast, takes; the count; on a cold cache the missing cards' scenes, cast and
# takes), the top bar's switcher and the bell's count; each part of the card that adds its
# facts to the key (card_facts: the sound flag) reads them once for the rows and once for
# the scenes loaded cold
FACTS = len(EXTRA_FACTS)
MAX_PAGE_QUERIES = 14 + 2 * FACTS
# the rows (scenes, cast, takes), which cast members the viewer may see, the count, the
# price table, and on a cold cache the missing cards' scenes, cast and takes (and the facts)
MAX_GRID_QUERIES = 9 + 2 * FACTS


def fill_board(episode, user, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` scenes, each with two cast members and takes in several states."""
    Scene.objects.filter(episode=episode).delete()
    mia, tom = (
        Character.objects.create(
            owner=user, name=name, handle=name.lower(), appearance="x", privacy=Privacy.EVERYONE
        )
        for name in ("Mia", "Tom")
    )
    scenes = Scene.objects.bulk_create(
        Scene(
            episode=episode,
            position=n,
            heading=f"INT. ROOM {n} - DAY",
            action=f"Something happens, beat {n}.",
            dialogue=[{"speaker": "MIA", "line": "Hello."}],
            omitted=n % 17 == 0,
        )
        for n in range(1, count + 1)
    )
    through = Scene.cast.through
    through.objects.bulk_create(
        through(scene_id=s.pk, character_id=c.pk) for s in scenes for c in (mia, tom)
    )
    states = [("succeeded", "approved"), ("running", "unreviewed"), ("failed", "unreviewed")]
    Take.objects.bulk_create(
        unsaved_take(
            s,
            user,
            generation_status=states[s.position % 3][0],
            review_status=states[s.position % 3][1],
        )
        for s in scenes
        if s.position % 4
    )


def storyboard_url(episode) -> str:  # type: ignore[no-untyped-def]
    return reverse("board:storyboard", kwargs={"episode_id": episode.pk})


@pytest.mark.parametrize("count", [50, 200])
def test_the_storyboard_page_needs_a_fixed_number_of_queries(
    client, episode, writer, count, django_assert_max_num_queries
):
    fill_board(episode, writer, count)
    client.force_login(writer)

    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get(storyboard_url(episode))

    page = response.content.decode()
    assert page.count('<article id="scene-') == CHUNK
    assert f"Scenes 1–{CHUNK} of {count} are loaded" in page


@pytest.mark.parametrize("count", [50, 200])
def test_the_live_grid_render_needs_a_fixed_number_of_queries(
    episode, writer, count, django_assert_max_num_queries
):
    fill_board(episode, writer, count)
    member = membership_in(writer, episode.project.studio_id)

    with django_assert_max_num_queries(MAX_GRID_QUERIES):
        grid = render_grid(episode, member, oob=True)

    assert grid.count('<article id="scene-') == CHUNK


def test_two_hundred_scenes_cost_exactly_the_queries_of_fifty(client, episode, writer):
    client.force_login(writer)
    sizes = {}
    for count in (50, 200):
        fill_board(episode, writer, count)
        with CaptureQueriesContext(connection) as queries:
            client.get(storyboard_url(episode))
        sizes[count] = len(queries)
        Take.objects.all().delete()
        Scene.objects.all().delete()
        Character.objects.all().delete()

    assert sizes[50] == sizes[200]


def _more_url(html: str) -> str | None:
    match = re.search(r'id="board-more"[^>]*hx-get="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_scrolling_loads_every_scene_once_in_order_in_small_chunks(client, episode, writer):
    fill_board(episode, writer, 2000)
    client.force_login(writer)

    page = client.get(storyboard_url(episode)).content.decode()
    seen = re.findall(r'<article id="scene-(\d+)"', page)
    url = _more_url(page)
    while url:
        chunk = client.get(url)
        assert chunk.status_code == 200
        assert len(chunk.content) < 300_000
        html = chunk.content.decode()
        seen += re.findall(r'<article id="scene-(\d+)"', html)
        url = _more_url(html)

    assert len(page.encode()) < 300_000
    in_order = Scene.objects.filter(episode=episode).order_by("position", "pk")
    assert [int(pk) for pk in seen] == list(in_order.values_list("pk", flat=True))


def test_an_outsider_cannot_load_a_chunk_and_a_bad_start_is_refused(
    client, episode, writer, outsider
):
    url = reverse("board:scene_cards", kwargs={"episode_id": episode.pk})
    client.force_login(outsider)
    assert client.get(url + "?start=0").status_code == 404
    client.force_login(writer)
    refused = client.get(url + "?start=abc")
    assert refused.status_code == 400 and "start" in refused.content.decode()


def test_a_cached_card_follows_its_take_and_each_viewer_class(episode, writer, reviewer):
    fill_board(episode, writer, 4)
    scene = Scene.objects.get(episode=episode, position=1)  # a running take
    take = scene.takes.get()
    as_writer = membership_in(writer, episode.project.studio_id)
    as_reviewer = membership_in(reviewer, episode.project.studio_id)

    before = render_card(scene, as_writer)
    take.progress = 64
    take.save(update_fields=["progress"])
    after = render_card(Scene.objects.get(pk=scene.pk), as_writer)
    seen_by_reviewer = render_card(Scene.objects.get(pk=scene.pk), as_reviewer)

    assert "· 0%" in before and "· 64%" in after
    assert "Edit</button>" in after and "Edit</button>" not in seen_by_reviewer


def test_a_hidden_cast_member_is_not_named_on_another_viewers_cached_card(episode, writer, viewer):
    fill_board(episode, writer, 2)
    Character.objects.filter(handle="mia").update(privacy=Privacy.ONLY_ME)
    scene = Scene.objects.get(episode=episode, position=1)
    as_writer = membership_in(writer, episode.project.studio_id)
    as_viewer = membership_in(viewer, episode.project.studio_id)

    assert "@mia" in render_card(scene, as_writer)
    card = render_card(Scene.objects.get(pk=scene.pk), as_viewer)
    assert "@mia" not in card and "character unavailable" in card


def test_a_warm_page_reads_rows_only_and_still_shows_a_change_made_behind_its_back(
    client, episode, writer, django_assert_max_num_queries
):
    fill_board(episode, writer, 200)
    client.force_login(writer)
    client.get(storyboard_url(episode))  # every card of the first chunk is now cached
    with django_assert_max_num_queries(MAX_PAGE_QUERIES - 3 - FACTS):  # no scene loaded as a model
        client.get(storyboard_url(episode))
    running = Take.objects.filter(scene__position=1).get()
    # Written without any event or cache deletion: the card's key follows the row itself.
    Take.objects.filter(pk=running.pk).update(progress=64)

    page = client.get(storyboard_url(episode)).content.decode()

    card = page[page.index(f'id="scene-{running.scene_id}"') :]
    assert "· 64%" in card[: card.index("</article>")]
