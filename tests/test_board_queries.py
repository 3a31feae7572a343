"""The storyboard stays fast at 200 scenes: the same few SQL queries whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from characters.models import Character, Privacy
from generation.board.render import render_grid
from generation.models import Take
from projects.access import membership_in
from projects.models import Scene
from tests.factories import unsaved_take

pytestmark = pytest.mark.django_db
MAX_PAGE_QUERIES = 10  # 8 for the board, 1 for the top bar's switcher, 1 for the bell's count
MAX_GRID_QUERIES = 4  # scenes, takes, cast, and which cast members the viewer may see


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
    assert page.count('<article id="scene-') == count
    assert page.count("data-generation-status=") == count - count // 4


@pytest.mark.parametrize("count", [50, 200])
def test_the_live_grid_render_needs_a_fixed_number_of_queries(
    episode, writer, count, django_assert_max_num_queries
):
    fill_board(episode, writer, count)
    member = membership_in(writer, episode.project.studio_id)

    with django_assert_max_num_queries(MAX_GRID_QUERIES):
        grid = render_grid(episode, member, oob=True)

    assert grid.count('<article id="scene-') == count


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
