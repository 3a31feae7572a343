"""Editing on the storyboard: inline edits, reordering, add/split/merge/duplicate/omit, batches.

After every edit the script is written back, so breaking it down again changes nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from characters.models import Privacy
from generation.board.status import takes_out_of_date
from projects.breakdown import plan_breakdown
from projects.models import Scene
from projects.services import save_script
from tests.conftest import SIX_SCENES
from tests.test_breakdown import board, give_take, make_character

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: int) -> str:
    return reverse(f"board:{name}", kwargs=kwargs)


def assert_script_matches_board(episode, user) -> None:  # type: ignore[no-untyped-def]
    """The written-back script breaks down into exactly the storyboard."""
    episode.refresh_from_db()
    plan = plan_breakdown(episode=episode, text=episode.script, user=user)
    assert [item.kind for item in plan.items] == ["kept"] * len(board(episode))
    assert plan.removed == []


def edit_data(scene: Scene, **changes: object) -> dict[str, object]:
    data = {
        "heading": scene.heading,
        "action": scene.action,
        "camera": scene.camera,
        "look": scene.look,
        "duration_seconds": scene.duration_seconds,
        "cast_1": "",
        "cast_2": "",
    }
    data.update(changes)
    return data


def test_writer_edits_a_card_inline_and_the_script_follows(client, episode, writer):
    mia = make_character(writer, "mia")
    scene = board(episode)[1]
    client.force_login(writer)

    form = client.get(url("edit_scene", scene_id=scene.pk))
    response = client.post(
        url("edit_scene", scene_id=scene.pk),
        edit_data(
            scene,
            action="A cat chases a red butterfly.",
            camera="low angle",
            look="winter coat",
            duration_seconds=8,
            cast_1="@mia",
        ),
    )

    assert form.status_code == 200 and 'name="action"' in form.content.decode()
    assert response.status_code == 200
    card = response.content.decode()
    assert f'id="scene-{scene.pk}"' in card and "A cat chases a red butterfly." in card
    scene.refresh_from_db()
    assert (scene.action, scene.camera, scene.look, scene.duration_seconds) == (
        "A cat chases a red butterfly.",
        "low angle",
        "winter coat",
        8,
    )
    assert list(scene.cast.all()) == [mia]
    episode.refresh_from_db()
    assert "[[shot: 8s, low angle, look: winter coat, cast: @mia]]" in episode.script
    assert_script_matches_board(episode, writer)


@pytest.mark.parametrize("handle", ["ghost_gus", "secret_sam"])
def test_an_unknown_or_hidden_character_cannot_be_cast_and_nothing_is_saved(
    client, episode, writer, outsider, handle
):
    make_character(outsider, "secret_sam", Privacy.ONLY_ME)
    scene = board(episode)[0]
    client.force_login(writer)

    response = client.post(
        url("edit_scene", scene_id=scene.pk), edit_data(scene, action="Changed", cast_1=handle)
    )

    assert f"No character @{handle} that you can use." in response.content.decode()
    scene.refresh_from_db()
    assert scene.action != "Changed"


def test_a_duration_the_model_does_not_accept_is_refused(client, episode, writer):
    scene = board(episode)[0]
    client.force_login(writer)

    response = client.post(
        url("edit_scene", scene_id=scene.pk), edit_data(scene, duration_seconds=10)
    )

    assert "Select a valid choice" in response.content.decode()
    scene.refresh_from_db()
    assert scene.duration_seconds == 4


def test_editing_a_scene_with_a_take_marks_the_take_out_of_date(client, episode, writer):
    scene = board(episode)[0]
    give_take(scene, writer)
    client.force_login(writer)

    response = client.post(url("edit_scene", scene_id=scene.pk), edit_data(scene, camera="wide"))

    assert "The script changed after this take." in response.content.decode()


def test_reordering_by_drag_stores_the_order_and_rewrites_the_script(client, episode, writer):
    scenes = board(episode)
    order = [scenes[i].pk for i in (5, 0, 1, 2, 3, 4)]
    client.force_login(writer)

    response = client.post(
        url("reorder_scenes", episode_id=episode.pk), {"order": ",".join(map(str, order))}
    )

    assert response.status_code == 200
    assert [s.pk for s in board(episode)] == order
    assert [s.position for s in board(episode)] == [1, 2, 3, 4, 5, 6]
    episode.refresh_from_db()
    assert episode.script.index("EXT. ROOFTOP") < episode.script.index("EXT. GARDEN")
    assert_script_matches_board(episode, writer)


def test_moving_a_scene_up_and_down_by_keyboard_buttons(client, episode, writer):
    scenes = board(episode)
    client.force_login(writer)

    client.post(url("move_scene", scene_id=scenes[2].pk), {"direction": "up"})
    assert [s.pk for s in board(episode)][:3] == [scenes[0].pk, scenes[2].pk, scenes[1].pk]
    client.post(url("move_scene", scene_id=scenes[0].pk), {"direction": "up"})  # already first
    client.post(url("move_scene", scene_id=scenes[0].pk), {"direction": "down"})

    assert [s.pk for s in board(episode)][:3] == [scenes[2].pk, scenes[0].pk, scenes[1].pk]
    assert_script_matches_board(episode, writer)


def test_adding_a_scene_after_another(client, episode, writer):
    first = board(episode)[0]
    client.force_login(writer)

    client.post(url("add_scene", episode_id=episode.pk), {"after": first.pk})

    added = board(episode)[1]
    assert (added.heading, added.action, added.duration_seconds) == ("INT. NEW SCENE - DAY", "", 4)
    assert len(board(episode)) == 7
    assert_script_matches_board(episode, writer)


def test_splitting_a_scene_in_two_keeps_its_takes_on_the_first_half(client, episode, writer):
    episode_text = "INT. KITCHEN\n\nMia stirs. Tom sniffs.\n\nMIA\nHungry?\nVery.\nReally.\n"
    save_script(episode=episode, text=episode_text, edited_by=writer)
    (scene,) = board(episode)
    take = give_take(scene, writer)
    client.force_login(writer)

    client.post(url("split_scene", scene_id=scene.pk))

    first, second = board(episode)
    assert first.pk == scene.pk and list(first.takes.all()) == [take]
    assert first.dialogue == [{"speaker": "MIA", "line": "Hungry?"}]
    assert second.action == ""
    assert [d["line"] for d in second.dialogue] == ["Very.", "Really."]
    assert takes_out_of_date(first) is True
    assert_script_matches_board(episode, writer)


def test_a_scene_of_one_beat_cannot_be_split(client, episode, writer):
    street = board(episode)[3]
    client.force_login(writer)

    response = client.post(url("split_scene", scene_id=street.pk))

    assert response["HX-Reswap"] == "none"
    assert "nothing to split" in response.content.decode()
    assert len(board(episode)) == 6


def test_merging_a_scene_with_the_next_archives_the_next_if_it_has_takes(client, episode, writer):
    kitchen, garden = board(episode)[:2]
    give_take(garden, writer)
    client.force_login(writer)

    client.post(url("merge_scene", scene_id=kitchen.pk))

    merged = board(episode)[0]
    assert merged.pk == kitchen.pk
    assert merged.action == (
        "Mia stirs a pot of soup. Steam rises. A cat chases a butterfly between the tomato plants."
    )
    assert merged.duration_seconds == 8
    garden.refresh_from_db()
    assert garden.archived_at is not None
    assert len(board(episode)) == 5
    assert_script_matches_board(episode, writer)


def test_merging_refuses_more_than_two_characters(client, episode, writer):
    for handle in ("mia", "tom_the_cat", "grandma"):
        make_character(writer, handle)
    text = "INT. A\n\n@mia and @tom_the_cat.\n\nINT. B\n\n@grandma naps.\n"
    save_script(episode=episode, text=text, edited_by=writer)
    client.force_login(writer)

    response = client.post(url("merge_scene", scene_id=board(episode)[0].pk))

    assert "3 characters" in response.content.decode()
    assert len(board(episode)) == 2


def test_duplicating_a_scene_puts_a_copy_without_takes_after_it(client, episode, writer):
    tram = board(episode)[4]
    give_take(tram, writer)
    client.force_login(writer)

    client.post(url("duplicate_scene", scene_id=tram.pk))

    scenes = board(episode)
    assert scenes[4].pk == tram.pk
    assert (scenes[5].heading, scenes[5].action, scenes[5].camera) == (
        tram.heading,
        tram.action,
        tram.camera,
    )
    assert list(scenes[5].takes.all()) == []
    assert_script_matches_board(episode, writer)


def test_omitting_a_scene_keeps_it_on_the_board_marked_omitted(client, episode, writer):
    garden = board(episode)[1]
    client.force_login(writer)

    response = client.post(url("omit_scene", scene_id=garden.pk))

    assert "Omitted" in response.content.decode()
    garden.refresh_from_db()
    assert garden.omitted is True
    episode.refresh_from_db()
    assert "[[omitted]]" in episode.script
    client.post(url("omit_scene", scene_id=garden.pk))
    garden.refresh_from_db()
    assert garden.omitted is False


def test_batch_actions_change_only_the_selected_scenes(client, episode, writer):
    scenes = board(episode)
    picked = [scenes[0].pk, scenes[2].pk]
    client.force_login(writer)

    client.post(
        url("batch_edit", episode_id=episode.pk),
        {"scene": picked, "batch_action": "duration", "duration_seconds": 12},
    )
    client.post(url("batch_edit", episode_id=episode.pk), {"scene": picked, "batch_action": "omit"})

    after = board(episode)
    assert [s.duration_seconds for s in after] == [12, 4, 12, 4, 8, 8]
    assert [s.omitted for s in after] == [True, False, True, False, False, False]
    assert_script_matches_board(episode, writer)


def test_a_batch_with_a_duration_the_model_does_not_accept_changes_nothing(client, episode, writer):
    client.force_login(writer)

    response = client.post(
        url("batch_edit", episode_id=episode.pk),
        {"scene": [board(episode)[0].pk], "batch_action": "duration", "duration_seconds": 6},
    )

    assert response["HX-Reswap"] == "none"
    assert [s.duration_seconds for s in board(episode)] == [4, 4, 4, 4, 8, 8]


def _edit_requests(episode, scene):  # type: ignore[no-untyped-def]
    return [
        ("get", url("edit_scene", scene_id=scene.pk), {}),
        ("post", url("edit_scene", scene_id=scene.pk), edit_data(scene, action="Hacked")),
        ("post", url("move_scene", scene_id=scene.pk), {"direction": "down"}),
        ("post", url("split_scene", scene_id=scene.pk), {}),
        ("post", url("merge_scene", scene_id=scene.pk), {}),
        ("post", url("duplicate_scene", scene_id=scene.pk), {}),
        ("post", url("omit_scene", scene_id=scene.pk), {}),
        ("post", url("add_scene", episode_id=episode.pk), {}),
        ("post", url("reorder_scenes", episode_id=episode.pk), {"order": str(scene.pk)}),
        (
            "post",
            url("batch_edit", episode_id=episode.pk),
            {"scene": [scene.pk], "batch_action": "omit"},
        ),
    ]


@pytest.mark.parametrize(
    ("role", "status"), [("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_writers_producers_and_owners_edit_the_storyboard(
    client, episode, request, role, status
):
    scene = board(episode)[0]
    client.force_login(request.getfixturevalue(role))
    before = [(s.pk, s.action, s.position, s.omitted) for s in board(episode)]

    codes = {
        path: getattr(client, method)(path, data).status_code
        for method, path, data in _edit_requests(episode, scene)
    }

    assert set(codes.values()) == {status}, codes
    assert [(s.pk, s.action, s.position, s.omitted) for s in board(episode)] == before
    episode.refresh_from_db()
    assert episode.script == SIX_SCENES


@pytest.mark.parametrize("role", ["producer", "owner"])
def test_producers_and_owners_may_edit_too(client, episode, request, role):
    scene = board(episode)[0]
    client.force_login(request.getfixturevalue(role))

    response = client.post(url("edit_scene", scene_id=scene.pk), edit_data(scene, action="Edited."))

    assert response.status_code == 200
    scene.refresh_from_db()
    assert scene.action == "Edited."


def test_reviewers_see_no_editing_controls_on_the_storyboard(client, episode, reviewer, writer):
    client.force_login(reviewer)
    page = client.get(url("storyboard", episode_id=episode.pk)).content.decode()
    client.force_login(writer)
    writer_page = client.get(url("storyboard", episode_id=episode.pk)).content.decode()

    assert "move-up" not in page and "sortable.min.js" not in page and 'id="batch"' not in page
    assert "move-up" in writer_page and "sortable.min.js" in writer_page


def test_an_archived_scene_has_no_card_and_cannot_be_edited(client, episode, writer):
    scene = board(episode)[0]
    Scene.objects.filter(pk=scene.pk).update(archived_at="2026-01-01T00:00:00Z")
    client.force_login(writer)

    assert client.get(url("scene_card", scene_id=scene.pk)).status_code == 404
    assert client.get(url("edit_scene", scene_id=scene.pk)).status_code == 404


def test_saving_an_unchanged_card_leaves_its_take_current(client, episode, writer):
    scene = board(episode)[0]
    give_take(scene, writer)
    client.force_login(writer)

    response = client.post(url("edit_scene", scene_id=scene.pk), edit_data(scene))

    assert "The script changed after this take." not in response.content.decode()
    scene.refresh_from_db()
    assert scene.changed_at is None


def test_a_card_with_three_characters_says_to_split_it(client, episode, writer):
    for handle in ("mia", "tom_the_cat", "grandma"):
        make_character(writer, handle)
    text = "INT. KITCHEN\n\n@mia, @tom_the_cat and @grandma eat.\n\nINT. HALL\n\n@mia waits.\n"
    save_script(episode=episode, text=text, edited_by=writer)
    client.force_login(writer)

    page = client.get(url("storyboard", episode_id=episode.pk)).content.decode()

    assert page.count("animatic takes at most 2. Split this scene.") == 1


def test_a_viewer_reads_the_script_as_the_storyboard_stands_after_edits(
    client, episode, writer, viewer
):
    scene = board(episode)[1]
    client.force_login(writer)
    client.post(
        url("edit_scene", scene_id=scene.pk),
        edit_data(scene, action="A cat chases a red butterfly past the window."),
    )
    client.force_login(viewer)

    page = client.get(url("storyboard", episode_id=episode.pk)).content.decode()
    now = client.get(
        reverse("projects:latest_script_version", kwargs={"episode_id": episode.pk})
    ).content.decode()
    saved = client.get(
        reverse("projects:script_version", kwargs={"episode_id": episode.pk, "number": 1})
    ).content.decode()

    assert "Read the script" in page
    assert "A cat chases a red butterfly past the window." in now
    assert "A cat chases a red butterfly past the window." not in saved
