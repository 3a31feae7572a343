"""The script parser on its own: text in, scenes out (no database)."""

from __future__ import annotations

import pytest

from projects.screenplay import parse_script


def only_scene(text: str):  # type: ignore[no-untyped-def]
    scenes = parse_script(text)
    assert len(scenes) == 1, [s.heading for s in scenes]
    return scenes[0]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("INT. KITCHEN - DAY", "INT. KITCHEN - DAY"),
        ("EXT. GARDEN - NIGHT", "EXT. GARDEN - NIGHT"),
        ("INT./EXT. CAR - DAY", "INT./EXT. CAR - DAY"),
        ("I/E TRAM - NIGHT", "I/E TRAM - NIGHT"),
        ("EST. CITY SKYLINE", "EST. CITY SKYLINE"),
        ("int. kitchen - day", "INT. KITCHEN - DAY"),
        ("Ext. Garden", "EXT. GARDEN"),
    ],
)
def test_scene_headings_are_recognised_in_any_case(line, heading):
    scene = only_scene(f"{line}\n\nSomething happens.\n")

    assert scene.heading == heading
    assert scene.action == "Something happens."


def test_a_line_starting_with_one_dot_is_a_forced_heading():
    scenes = parse_script("INT. KITCHEN\n\nMia cooks.\n\n.MIA'S DREAM\n\nClouds of soup.\n")

    assert [s.heading for s in scenes] == ["INT. KITCHEN", "MIA'S DREAM"]
    assert scenes[1].action == "Clouds of soup."


def test_a_line_starting_with_two_dots_is_not_a_heading():
    scene = only_scene("INT. KITCHEN\n\n...and the soup is gone.\n")

    assert scene.action == "...and the soup is gone."


def test_text_before_the_first_heading_is_ignored():
    text = (
        "Title: Soup Stories\n"
        "Credit: Written by\n"
        "Author: Wendy\n"
        "\n"
        "Some notes about @mia before the story starts.\n"
        "\n"
        "INT. KITCHEN - DAY\n"
        "\n"
        "Mia stirs a pot.\n"
    )

    scene = only_scene(text)

    assert scene.heading == "INT. KITCHEN - DAY"
    assert scene.action == "Mia stirs a pot."
    assert scene.handles == []
    assert scene.dialogue == []


def test_action_lines_of_a_scene_are_joined_into_one_action():
    scene = only_scene(
        "EXT. GARDEN\n\nA cat sits among the tomatoes.\nA butterfly lands.\n\nThe cat pounces.\n"
    )

    assert scene.action == "A cat sits among the tomatoes. A butterfly lands. The cat pounces."


def test_a_cue_in_capitals_is_followed_by_dialogue():
    scene = only_scene("INT. KITCHEN\n\nMia stirs.\n\nMIA\nAlmost ready.\n")

    assert scene.dialogue == [("MIA", "Almost ready.")]
    assert scene.action == "Mia stirs."


def test_parentheticals_are_dropped_from_dialogue():
    scene = only_scene("INT. KITCHEN\n\nMIA\n(beat)\nAlmost ready.\n(smiling)\nTaste it.\n")

    assert scene.dialogue == [("MIA", "Almost ready."), ("MIA", "Taste it.")]
    assert "beat" not in scene.action
    assert "smiling" not in scene.action


@pytest.mark.parametrize("cue", ["MIA (V.O.)", "MIA (O.S.)", "MIA (CONT'D)", "MIA ^"])
def test_cue_extensions_are_not_part_of_the_speaker(cue):
    scene = only_scene(f"INT. KITCHEN\n\n{cue}\nI am over here.\n")

    assert scene.dialogue == [("MIA", "I am over here.")]


def test_dialogue_runs_over_several_lines_until_a_blank_line():
    text = "INT. KITCHEN\n\nMIA\nNo, no, no!\nThe soup!\nIt is everywhere.\n\nShe grabs a towel.\n"

    scene = only_scene(text)

    assert scene.dialogue == [
        ("MIA", "No, no, no!"),
        ("MIA", "The soup!"),
        ("MIA", "It is everywhere."),
    ]
    assert scene.action == "She grabs a towel."


def test_two_speakers_in_one_scene_keep_their_order():
    text = "INT. KITCHEN\n\nMIA\nHungry?\n\nTOM\nAlways.\n"

    scene = only_scene(text)

    assert scene.dialogue == [("MIA", "Hungry?"), ("TOM", "Always.")]


def test_handles_are_collected_once_per_scene_in_order_of_appearance():
    text = (
        "INT. KITCHEN\n"
        "\n"
        "@mia stirs the soup while @tom_the_cat watches.\n"
        "@mia tastes it.\n"
        "\n"
        "MIA\n"
        "Want some, @tom_the_cat? Ask @grandma_2 first.\n"
        "\n"
        "EXT. GARDEN\n"
        "\n"
        "@tom_the_cat chases @mia.\n"
    )

    kitchen, garden = parse_script(text)

    assert kitchen.handles == ["mia", "tom_the_cat", "grandma_2"]
    assert garden.handles == ["tom_the_cat", "mia"]


def test_a_shot_note_sets_duration_and_camera_and_is_not_action():
    text = "INT. TRAM - NIGHT\n\nMia sits by the window.\n[[shot: 8s, close-up, slow push-in]]\n"

    scene = only_scene(text)

    assert scene.duration() == 8
    assert scene.camera == "close-up, slow push-in"
    assert scene.action == "Mia sits by the window."


def test_a_shot_note_on_an_action_line_is_cut_out_of_the_action():
    scene = only_scene("INT. TRAM\n\nMia sits. [[shot: 4s, wide]] She sighs.\n")

    assert scene.camera == "wide"
    assert scene.duration() == 4
    assert "shot" not in scene.action
    assert "[[" not in scene.action


def test_other_notes_are_stripped_from_action_and_dialogue():
    text = (
        "INT. KITCHEN\n"
        "\n"
        "Mia stirs. [[check continuity with ep 1]]\n"
        "[[a whole line of notes]]\n"
        "\n"
        "MIA\n"
        "Almost ready. [[say it softer]]\n"
    )

    scene = only_scene(text)

    assert scene.action == "Mia stirs."
    assert scene.dialogue == [("MIA", "Almost ready.")]
    assert scene.camera == ""


def test_sections_and_synopses_are_ignored():
    text = (
        "# ACT ONE\n"
        "\n"
        "INT. KITCHEN\n"
        "\n"
        "= Mia learns to cook.\n"
        "\n"
        "Mia stirs.\n"
        "\n"
        "## The accident\n"
        "\n"
        "The soup boils over.\n"
    )

    scene = only_scene(text)

    assert scene.action == "Mia stirs. The soup boils over."


def test_crlf_line_endings_parse_like_lf():
    lf = "INT. KITCHEN - DAY\n\nMia stirs.\n\nMIA\n(beat)\nAlmost ready.\n\nEXT. GARDEN\n\nA cat.\n"

    crlf_scenes = parse_script(lf.replace("\n", "\r\n"))
    lf_scenes = parse_script(lf)

    assert [(s.heading, s.line, s.action, s.dialogue) for s in crlf_scenes] == [
        (s.heading, s.line, s.action, s.dialogue) for s in lf_scenes
    ]
    assert crlf_scenes[0].heading == "INT. KITCHEN - DAY"
    assert crlf_scenes[0].dialogue == [("MIA", "Almost ready.")]


def test_a_short_scene_lasts_four_seconds():
    scene = only_scene("EXT. STREET - NIGHT\n\nRain on the windows.\n")

    assert scene.duration() == 4


def _scene_with_dialogue_words(count: int):  # type: ignore[no-untyped-def]
    words = " ".join(["soup"] * count)
    return only_scene(f"INT. KITCHEN\n\nMia stirs.\n\nMIA\n{words}.\n")


def test_the_estimate_snaps_to_allowed_durations_and_grows_with_dialogue():
    short, medium, long = (_scene_with_dialogue_words(n) for n in (2, 12, 40))

    durations = [short.duration(), medium.duration(), long.duration()]

    assert all(d in (4, 8, 12) for d in durations)
    assert durations == sorted(durations)
    assert durations[0] == 4
    assert durations[2] in (8, 12)
    assert durations[2] > durations[0]


def test_a_very_long_scene_is_capped_at_the_longest_allowed_duration():
    scene = _scene_with_dialogue_words(200)

    assert scene.duration() == 12
    assert scene.duration(allowed=(4, 6, 8)) == 8


def test_the_estimate_snaps_to_a_custom_set_of_durations():
    short, medium = _scene_with_dialogue_words(2), _scene_with_dialogue_words(10)

    # Ten words of dialogue read in about five seconds: 8 by default, 6 when 6 is allowed.
    assert short.duration(allowed=(4, 6, 8)) == 4
    assert medium.duration() == 8
    assert medium.duration(allowed=(4, 6, 8)) == 6
    assert medium.duration(allowed=(8, 4, 6)) == 6


def test_line_is_the_one_based_line_number_of_the_heading():
    text = (
        "Title: Soup\n"  # 1
        "\n"  # 2
        "INT. KITCHEN\n"  # 3
        "\n"  # 4
        "Mia stirs.\n"  # 5
        "\n"  # 6
        "MIA\n"  # 7
        "Ready.\n"  # 8
        "\n"  # 9
        "EXT. GARDEN\n"  # 10
    )

    assert [s.line for s in parse_script(text)] == [3, 10]


def test_the_first_line_of_the_file_is_line_one():
    assert parse_script("INT. KITCHEN\n\nMia stirs.\n")[0].line == 1


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n", "Title: Nothing yet\n\nJust notes.\n"])
def test_a_script_without_headings_has_no_scenes(text):
    assert parse_script(text) == []


@pytest.mark.parametrize("ending", ["", "\n", "\n\n"])
def test_capitals_at_the_end_of_the_file_are_action_not_a_cue(ending):
    scene = only_scene(f"EXT. ROOFTOP - NIGHT\n\nThey share the soup.\n\nTHE END{ending}")

    assert scene.dialogue == []
    assert scene.action == "They share the soup. THE END"


def test_capitals_followed_by_a_blank_line_are_action_not_a_cue():
    scene = only_scene("INT. KITCHEN\n\nBOOM.\n\nThe pot explodes.\n")

    assert scene.dialogue == []
    assert scene.action == "BOOM. The pot explodes."
