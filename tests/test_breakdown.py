"""Saving a script: the breakdown into scenes keeps what did not change and loses no take."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from characters.models import Character, Privacy
from generation.board.status import takes_out_of_date
from generation.models import Take
from projects.breakdown import plan_breakdown
from projects.models import Scene
from projects.services import save_script
from tests.conftest import SIX_SCENES
from tests.factories import make_take

pytestmark = pytest.mark.django_db

KITCHEN_SOUP_ACTION = "Mia stirs a pot of soup. Steam rises."


def board(episode) -> list[Scene]:  # type: ignore[no-untyped-def]
    return list(Scene.objects.filter(episode=episode).on_board().order_by("position"))


def give_take(scene: Scene, user) -> Take:  # type: ignore[no-untyped-def]
    return make_take(scene, user)


def scene_blocks(script: str) -> list[str]:
    """The six scenes of a script as text blocks, each starting at its heading."""
    blocks: list[str] = []
    for line in script.splitlines(keepends=True):
        if line.startswith(("INT.", "EXT.")):
            blocks.append("")
        blocks[-1] += line
    return blocks


def make_character(owner, handle: str, privacy: str = Privacy.ONLY_ME) -> Character:  # type: ignore[no-untyped-def]
    return Character.objects.create(
        owner=owner,
        name=handle.title(),
        handle=handle,
        appearance="A girl in a red apron.",
        privacy=privacy,
    )


# --- Breakdown ------------------------------------------------------------------------


def test_scenes_are_created_in_script_order_with_positions_from_one(episode):
    scenes = board(episode)

    assert [s.position for s in scenes] == [1, 2, 3, 4, 5, 6]
    assert [s.heading for s in scenes] == [
        "INT. KITCHEN - DAY",
        "EXT. GARDEN - DAY",
        "INT. KITCHEN - DAY",
        "EXT. STREET - NIGHT",
        "INT. TRAM - NIGHT",
        "EXT. ROOFTOP - NIGHT",
    ]
    assert scenes[0].action == KITCHEN_SOUP_ACTION
    assert scenes[0].dialogue == [{"speaker": "MIA", "line": "Almost ready."}]
    assert scenes[4].camera == "close-up, slow push-in"
    assert scenes[4].duration_seconds == 8
    assert [s.source_line for s in scenes] == [1, 8, 12, 19, 23, 28]


def test_the_script_text_is_stored_on_the_episode(episode, writer):
    new_text = SIX_SCENES + "\nEXT. MOON - NIGHT\n\nThe soup pot floats by.\n"

    save_script(episode=episode, text=new_text, edited_by=writer)

    episode.refresh_from_db()
    assert episode.script == new_text
    assert episode.script_updated_at is not None


def counts(plan) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """New, changed, unchanged, removed."""
    kinds = [item.kind for item in plan.items]
    return (kinds.count("new"), kinds.count("changed"), kinds.count("kept"), len(plan.removed))


def test_saving_the_same_script_again_keeps_every_scene(episode, writer):
    before = [s.pk for s in board(episode)]

    plan = save_script(episode=episode, text=SIX_SCENES, edited_by=writer)

    assert [s.pk for s in board(episode)] == before
    assert counts(plan) == (0, 0, 6, 0)


def test_editing_one_scene_keeps_it_as_changed_and_leaves_the_others_alone(episode, writer):
    before = board(episode)
    edited = SIX_SCENES.replace(KITCHEN_SOUP_ACTION, "Mia stirs a pot of stew.")

    plan = save_script(episode=episode, text=edited, edited_by=writer)

    after = board(episode)
    assert counts(plan) == (0, 1, 5, 0)
    assert [s.pk for s in after] == [s.pk for s in before]
    assert after[0].action == "Mia stirs a pot of stew."
    assert after[0].changed_at is None  # no takes, so nothing is out of date


def test_a_rewritten_scene_is_new_and_the_old_one_removed(episode, writer):
    before = board(episode)
    edited = SIX_SCENES.replace(KITCHEN_SOUP_ACTION, "Grandma arrives with a whole suitcase.")
    edited = edited.replace("MIA\nAlmost ready.", "GRANDMA\nWhere is my soup?")

    plan = save_script(episode=episode, text=edited, edited_by=writer)

    assert counts(plan) == (1, 0, 5, 1)
    assert board(episode)[0].pk != before[0].pk
    assert not Scene.objects.filter(pk=before[0].pk).exists()


def test_reordering_two_scenes_keeps_them_and_updates_their_positions(episode, writer):
    before = board(episode)
    blocks = scene_blocks(SIX_SCENES)
    blocks[1], blocks[3] = blocks[3], blocks[1]  # garden and street swap places

    plan = save_script(episode=episode, text="".join(blocks), edited_by=writer)

    after = board(episode)
    assert counts(plan) == (0, 0, 6, 0)
    assert [s.pk for s in after] == [
        before[0].pk,
        before[3].pk,
        before[2].pk,
        before[1].pk,
        before[4].pk,
        before[5].pk,
    ]
    garden, street = Scene.objects.get(pk=before[1].pk), Scene.objects.get(pk=before[3].pk)
    assert (garden.position, garden.heading) == (4, "EXT. GARDEN - DAY")
    assert (street.position, street.heading) == (2, "EXT. STREET - NIGHT")


def test_removing_a_scene_with_a_take_archives_it_and_keeps_the_take(episode, writer):
    garden = board(episode)[1]
    take = give_take(garden, writer)
    blocks = scene_blocks(SIX_SCENES)
    del blocks[1]

    plan = save_script(episode=episode, text="".join(blocks), edited_by=writer)

    garden.refresh_from_db()
    assert garden.archived_at is not None
    assert Take.objects.filter(pk=take.pk, scene=garden).exists()
    assert garden not in Scene.objects.on_board()
    assert [s.heading for s in board(episode)] == [
        "INT. KITCHEN - DAY",
        "INT. KITCHEN - DAY",
        "EXT. STREET - NIGHT",
        "INT. TRAM - NIGHT",
        "EXT. ROOFTOP - NIGHT",
    ]
    assert [s.position for s in board(episode)] == [1, 2, 3, 4, 5]
    assert counts(plan) == (0, 0, 5, 1)


def test_removing_a_scene_without_takes_deletes_it(episode, writer):
    street = board(episode)[3]
    blocks = scene_blocks(SIX_SCENES)
    del blocks[3]

    save_script(episode=episode, text="".join(blocks), edited_by=writer)

    assert not Scene.objects.filter(pk=street.pk).exists()
    assert len(board(episode)) == 5


def test_editing_a_scene_that_has_a_take_keeps_the_take_marked_out_of_date(episode, writer):
    kitchen = board(episode)[0]
    take = give_take(kitchen, writer)
    edited = SIX_SCENES.replace(KITCHEN_SOUP_ACTION, "Mia stirs a pot of stew.")

    save_script(episode=episode, text=edited, edited_by=writer)

    kitchen = board(episode)[0]
    assert kitchen.archived_at is None
    assert list(kitchen.takes.all()) == [take]
    assert kitchen.action == "Mia stirs a pot of stew."
    assert takes_out_of_date(kitchen) is True


def test_a_kept_scene_keeps_its_take(episode, writer):
    tram = board(episode)[4]
    take = give_take(tram, writer)
    edited = SIX_SCENES.replace(KITCHEN_SOUP_ACTION, "Mia stirs a pot of stew.")

    save_script(episode=episode, text=edited, edited_by=writer)

    tram.refresh_from_db()
    assert tram.archived_at is None
    assert list(tram.takes.all()) == [take]
    assert takes_out_of_date(tram) is False


# --- Casting by @handle ------------------------------------------------------------


def _script_mentioning(*handles: str) -> str:
    mentions = " and ".join(f"@{h}" for h in handles)
    return f"INT. KITCHEN - DAY\n\n{mentions} cook soup.\n"


def test_a_handle_of_the_writers_own_character_is_cast(episode, writer):
    mia = make_character(writer, "mia")

    result = save_script(episode=episode, text=_script_mentioning("mia"), edited_by=writer)

    (scene,) = board(episode)
    assert list(scene.cast.all()) == [mia]
    assert list(result.problems) == []


def test_a_handle_of_a_public_character_of_someone_else_is_cast(episode, writer, outsider):
    tom = make_character(outsider, "tom_the_cat", Privacy.EVERYONE)

    result = save_script(episode=episode, text=_script_mentioning("tom_the_cat"), edited_by=writer)

    (scene,) = board(episode)
    assert list(scene.cast.all()) == [tom]
    assert list(result.problems) == []


def test_an_unknown_handle_is_reported_with_its_line(episode, writer):
    text = "Title: Soup\n\nINT. KITCHEN - DAY\n\n@nobody_here cooks.\n"

    result = save_script(episode=episode, text=text, edited_by=writer)

    assert [str(p) for p in result.problems] == [
        "Line 5: no character @nobody_here that you can use. "
        "Check the spelling, or ask its owner to share it with you."
    ]
    (scene,) = board(episode)
    assert list(scene.cast.all()) == []


def test_a_private_character_of_someone_else_is_not_cast(episode, writer, outsider):
    make_character(outsider, "secret_sam")

    save_script(episode=episode, text=_script_mentioning("secret_sam"), edited_by=writer)

    (scene,) = board(episode)
    assert list(scene.cast.all()) == []


def test_a_hidden_character_reads_exactly_like_one_that_does_not_exist(episode, writer, outsider):
    make_character(outsider, "secret_sam")

    hidden = save_script(episode=episode, text=_script_mentioning("secret_sam"), edited_by=writer)
    missing = save_script(episode=episode, text=_script_mentioning("ghost_gus"), edited_by=writer)

    hidden_text, missing_text = str(hidden.problems[0]), str(missing.problems[0])
    assert hidden_text.startswith("Line 3: no character @secret_sam that you can use.")
    assert missing_text.startswith("Line 3: no character @ghost_gus that you can use.")
    assert hidden_text.replace("secret_sam", "X") == missing_text.replace("ghost_gus", "X")


def test_only_usable_handles_are_cast_when_a_scene_mentions_several(episode, writer, outsider):
    mia = make_character(writer, "mia")
    make_character(outsider, "secret_sam")

    result = save_script(
        episode=episode, text=_script_mentioning("mia", "secret_sam"), edited_by=writer
    )

    (scene,) = board(episode)
    assert list(scene.cast.all()) == [mia]
    assert [p.message for p in result.problems] == ["no character @secret_sam that you can use."]


# --- The script editor page ----------------------------------------------------------


def fingerprint(response) -> str:  # type: ignore[no-untyped-def]
    """The Apply button's value on a breakdown preview page."""
    match = re.search(r'name="confirm" value="([0-9a-f]+)"', response.content.decode())
    assert match, "no Apply button on the page"
    return match.group(1)


def script_url(episode) -> str:  # type: ignore[no-untyped-def]
    return reverse("board:edit_script", kwargs={"episode_id": episode.pk})


def test_writer_saves_a_script_and_sees_the_new_scene_on_the_storyboard(client, episode, writer):
    client.force_login(writer)
    text = SIX_SCENES + "\nEXT. MOON - NIGHT\n\nThe soup pot floats past the stars.\n"

    preview = client.post(script_url(episode), {"script": text})
    assert preview.status_code == 200
    assert "1 new, 0 changed, 0 removed, 6 unchanged" in preview.content.decode()
    assert [s.heading for s in board(episode)][-1] == "EXT. ROOFTOP - NIGHT"  # not yet applied
    response = client.post(script_url(episode), {"script": text, "confirm": fingerprint(preview)})

    storyboard = reverse("board:storyboard", kwargs={"episode_id": episode.pk})
    assert response.status_code == 302
    assert response["Location"] == storyboard
    page = client.get(storyboard)
    assert page.status_code == 200
    assert "EXT. MOON - NIGHT" in page.content.decode()
    episode.refresh_from_db()
    assert episode.script == text
    assert [s.heading for s in board(episode)][-1] == "EXT. MOON - NIGHT"


def test_writer_sees_the_current_script_in_the_editor(client, episode, writer):
    client.force_login(writer)

    response = client.get(script_url(episode))

    assert response.status_code == 200
    assert "Mia stirs a pot of soup." in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_members_who_may_not_write_are_refused_the_script_editor(
    client, episode, writer, role, request
):
    client.force_login(request.getfixturevalue(role))
    before = [s.pk for s in board(episode)]

    got = client.get(script_url(episode))
    posted = client.post(script_url(episode), {"script": "INT. VOID\n\nNothing.\n"})
    plan = plan_breakdown(episode=episode, text="INT. VOID\n\nNothing.\n", user=writer)
    confirmed = client.post(
        script_url(episode), {"script": "INT. VOID\n\nNothing.\n", "confirm": plan.fingerprint}
    )

    assert got.status_code == 403
    assert confirmed.status_code == 403
    assert posted.status_code == 403
    episode.refresh_from_db()
    assert episode.script == SIX_SCENES
    assert [s.pk for s in board(episode)] == before


def test_an_outsider_does_not_learn_that_the_episode_exists(client, episode, outsider):
    client.force_login(outsider)

    got = client.get(script_url(episode))
    posted = client.post(script_url(episode), {"script": "INT. VOID\n\nNothing.\n"})

    assert got.status_code == 404
    assert posted.status_code == 404
    episode.refresh_from_db()
    assert episode.script == SIX_SCENES
