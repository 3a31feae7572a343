"""Re-running the breakdown: the summary before applying, takes and approvals kept, versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from characters.models import Privacy
from generation.board.status import scene_status
from generation.models import ReviewAction, ReviewDecision, ReviewStatus, Take
from projects.breakdown import plan_breakdown
from projects.models import Scene, ScriptVersion
from projects.scene_edits import move_scene
from projects.services import save_script
from tests.conftest import SIX_SCENES
from tests.factories import make_take
from tests.scripts import long_script
from tests.test_breakdown import board, fingerprint, make_character, scene_blocks, script_url

pytestmark = pytest.mark.django_db


def add_take(scene: Scene, user, *, approved: bool = False) -> Take:  # type: ignore[no-untyped-def]
    number = Take.objects.filter(scene=scene).count() + 1
    take = make_take(
        scene,
        user,
        number=number,
        generation_status="succeeded",
        review_status=ReviewStatus.APPROVED if approved else ReviewStatus.UNREVIEWED,
    )
    if approved:
        ReviewDecision.objects.create(take=take, author=user, action=ReviewAction.APPROVE)
    return take


NEW_SCENES = "".join(
    f"EXT. MOON {n} - NIGHT\n\nThe soup pot floats past crater {n}.\n\n" for n in (1, 2, 3)
)


def test_the_summary_counts_new_changed_and_removed_scenes_and_what_the_removed_ones_hold(
    episode, writer, reviewer
):
    scenes = board(episode)
    add_take(scenes[1], writer)
    add_take(scenes[1], writer, approved=True)
    add_take(scenes[3], writer)
    add_take(scenes[3], writer)
    blocks = scene_blocks(SIX_SCENES)
    blocks[0] = blocks[0].replace("Steam rises.", "Steam rises to the ceiling.")
    text = "".join(b for i, b in enumerate(blocks) if i not in (1, 3)) + "\n" + NEW_SCENES

    plan = plan_breakdown(episode=episode, text=text, user=writer)

    assert plan.summary == (
        "3 new, 1 changed, 2 removed, 3 unchanged: "
        "the removed ones have 4 takes and 1 approval (archived, not deleted)"
    )


def test_the_preview_changes_nothing_until_the_writer_confirms(client, episode, writer):
    client.force_login(writer)
    before = [(s.pk, s.action) for s in board(episode)]
    blocks = scene_blocks(SIX_SCENES)

    preview = client.post(script_url(episode), {"script": "".join(blocks[:2])})

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "0 new, 0 changed, 4 removed, 2 unchanged" in page
    assert "deleted (no takes)" in page
    assert [(s.pk, s.action) for s in board(episode)] == before
    episode.refresh_from_db()
    assert episode.script == SIX_SCENES
    assert not ScriptVersion.objects.filter(episode=episode, text="".join(blocks[:2])).exists()


def test_a_confirmation_of_an_outdated_summary_shows_the_summary_again(client, episode, writer):
    client.force_login(writer)
    text = "".join(scene_blocks(SIX_SCENES)[:3])
    preview = client.post(script_url(episode), {"script": text})
    save_script(episode=episode, text=SIX_SCENES + "\n" + NEW_SCENES, edited_by=writer)

    response = client.post(script_url(episode), {"script": text, "confirm": fingerprint(preview)})

    assert response.status_code == 200
    assert "changed since the summary" in response.content.decode()
    assert "3 removed" not in response.content.decode()
    assert len(board(episode)) == 9  # the other save stands; nothing from the stale summary


def test_re_breakdown_keeps_takes_and_approvals_of_unchanged_scenes_wherever_they_moved(
    episode, writer
):
    scenes = board(episode)
    approved = add_take(scenes[4], writer, approved=True)
    draft = add_take(scenes[2], writer)
    blocks = scene_blocks(SIX_SCENES)
    reordered = [blocks[4], blocks[0], "INT. HALL - DAY\n\nA new door.\n\n", blocks[2], blocks[5]]

    save_script(episode=episode, text="".join(reordered), edited_by=writer)

    after = board(episode)
    assert [s.heading for s in after] == [
        "INT. TRAM - NIGHT",
        "INT. KITCHEN - DAY",
        "INT. HALL - DAY",
        "INT. KITCHEN - DAY",
        "EXT. ROOFTOP - NIGHT",
    ]
    assert list(after[0].takes.all()) == [approved]
    assert scene_status(after[0]) == "approved"
    assert list(after[0].takes.get().decisions.values_list("action", flat=True)) == ["approve"]
    assert list(after[3].takes.all()) == [draft]


def test_a_long_episode_is_re_broken_down_keeping_every_take(episode, writer):
    text = long_script(45)
    save_script(episode=episode, text=text, edited_by=writer)
    scenes = board(episode)
    takes = {s.pk: add_take(s, writer, approved=s.position % 5 == 0).pk for s in scenes[::3]}
    blocks = text.split("\n\n")
    edited = "\n\n".join(b.replace("Beat 20.", "Beat twenty.") for b in blocks)

    plan = save_script(episode=episode, text=edited, edited_by=writer)

    after = board(episode)
    assert len(after) == 45
    assert plan.summary.startswith("0 new, 1 changed, 0 removed, 44 unchanged")
    assert {s.pk: s.takes.get().pk for s in after if s.takes.exists()} == takes
    assert [s.pk for s in after] == [s.pk for s in scenes]


# --- Casting and the two-character limit -------------------------------------------------


def test_a_cue_with_a_characters_display_name_casts_that_character(episode, writer):
    make_character(writer, "mia")  # display name "Mia"
    text = "INT. HALL\n\n@mia waves.\n\nINT. KITCHEN\n\nThe soup boils.\n\nMIA\nNo, no, no!\n"

    save_script(episode=episode, text=text, edited_by=writer)

    assert [s.cast_handles for s in board(episode)] == [["mia"], ["mia"]]


def test_a_cue_never_casts_a_stranger_s_public_character_not_named_in_the_script(
    episode, writer, outsider
):
    make_character(outsider, "mia", Privacy.EVERYONE)

    save_script(episode=episode, text="INT. KITCHEN\n\nMIA\nHello.\n", edited_by=writer)

    assert board(episode)[0].cast_handles == []


def test_three_characters_in_one_shot_are_reported_with_a_split_suggestion(episode, writer):
    make_character(writer, "mia")
    make_character(writer, "tom_the_cat")
    text = (
        "INT. KITCHEN - DAY\n"  # 1
        "\n"
        "@mia and @tom_the_cat stare at the pot.\n"  # 3
        "\n"
        "MIA\n"
        "Mine.\n"  # 6
        "\n"
        "GRANDMA\n"
        "Mine, actually.\n"  # 9
    )

    plan = plan_breakdown(episode=episode, text=text, user=writer)

    assert [str(p) for p in plan.problems] == [
        "Line 1: 3 characters in one shot (@mia, @tom_the_cat, GRANDMA); this video model takes "
        "at most 2. Split the scene: start a new scene before line 9."
    ]


def test_two_characters_are_fine_even_when_both_speak(episode, writer):
    make_character(writer, "mia")
    make_character(writer, "tom_the_cat")
    text = "INT. KITCHEN\n\n@mia and @tom_the_cat cook.\n\nMIA\nHi.\n\n@tom_the_cat\nMrrp.\n"

    assert plan_breakdown(episode=episode, text=text, user=writer).problems == []


# --- Script versions -------------------------------------------------------------------


def test_every_applied_script_is_kept_as_a_version(episode, writer):
    save_script(episode=episode, text=SIX_SCENES + "\n" + NEW_SCENES, edited_by=writer)

    versions = list(ScriptVersion.objects.filter(episode=episode).order_by("number"))

    assert [(v.number, v.text) for v in versions] == [
        (1, SIX_SCENES),
        (2, SIX_SCENES + "\n" + NEW_SCENES),
    ]
    assert all(v.created_by == writer for v in versions)


def test_members_see_versions_and_a_writer_restores_one_after_a_summary(
    client, episode, writer, viewer
):
    save_script(episode=episode, text="".join(scene_blocks(SIX_SCENES)[:2]), edited_by=writer)
    version_url = reverse("projects:script_version", kwargs={"episode_id": episode.pk, "number": 1})
    client.force_login(viewer)
    seen = client.get(version_url)
    assert seen.status_code == 200
    assert "Rain on the windows of a passing tram." in seen.content.decode()
    assert "Restore this version" not in seen.content.decode()

    client.force_login(writer)
    assert "Version 2" in client.get(script_url(episode)).content.decode()
    preview = client.post(script_url(episode), {"script": SIX_SCENES, "restored_from": 1})
    assert "4 new, 0 changed, 0 removed, 2 unchanged" in preview.content.decode()
    client.post(
        script_url(episode),
        {"script": SIX_SCENES, "restored_from": 1, "confirm": fingerprint(preview)},
    )

    assert len(board(episode)) == 6
    latest = ScriptVersion.objects.filter(episode=episode).order_by("-number").first()
    assert (latest.number, latest.note, latest.text) == (3, "Restored from version 1", SIX_SCENES)


def test_an_outsider_cannot_see_a_version(client, episode, outsider):
    client.force_login(outsider)
    url = reverse("projects:script_version", kwargs={"episode_id": episode.pk, "number": 1})

    assert client.get(url).status_code == 404


def test_fixing_a_typo_in_a_heading_keeps_the_scene_and_its_take(episode, writer):
    garden = board(episode)[1]
    take = add_take(garden, writer)

    plan = save_script(
        episode=episode, text=SIX_SCENES.replace("EXT. GARDEN", "EXT. GARDENS"), edited_by=writer
    )

    assert plan.summary.startswith("0 new, 1 changed, 0 removed, 5 unchanged")
    assert board(episode)[1].pk == garden.pk
    assert board(episode)[1].heading == "EXT. GARDENS - DAY"
    assert list(board(episode)[1].takes.all()) == [take]


def test_a_storyboard_edit_between_summary_and_confirmation_asks_again(client, episode, writer):
    client.force_login(writer)
    text = SIX_SCENES + "\n" + NEW_SCENES
    preview = client.post(script_url(episode), {"script": text})
    move_scene(scene=board(episode)[0], offset=1)
    moved = [s.pk for s in board(episode)]

    response = client.post(script_url(episode), {"script": text, "confirm": fingerprint(preview)})

    assert response.status_code == 200
    assert "changed since the summary" in response.content.decode()
    assert [s.pk for s in board(episode)] == moved


def test_applying_a_breakdown_that_removes_a_scene_without_takes_says_what_it_did(
    client, episode, writer
):
    client.force_login(writer)
    text = "".join(scene_blocks(SIX_SCENES)[:5])
    preview = client.post(script_url(episode), {"script": text})

    applied = client.post(
        script_url(episode), {"script": text, "confirm": fingerprint(preview)}, follow=True
    )

    assert applied.status_code == 200
    assert "Breakdown applied: 0 new, 0 changed, 1 removed, 5 unchanged" in applied.content.decode()
    assert len(board(episode)) == 5
