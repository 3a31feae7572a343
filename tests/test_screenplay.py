"""The script parser on its own: text in, scenes out (no database)."""

from __future__ import annotations

import pytest

from projects.screenplay import (
    DEFAULT_DURATIONS,
    SceneText,
    parse_script,
    title_page_of,
    write_script,
)
from tests.scripts import long_script


def only_scene(text: str, allowed=DEFAULT_DURATIONS):  # type: ignore[no-untyped-def]
    scenes = parse_script(text, allowed)
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

    assert scene.duration_seconds == 8
    assert scene.camera == "close-up, slow push-in"
    assert scene.action == "Mia sits by the window."


def test_a_shot_note_on_an_action_line_is_cut_out_of_the_action():
    scene = only_scene("INT. TRAM\n\nMia sits. [[shot: 4s, wide]] She sighs.\n")

    assert scene.camera == "wide"
    assert scene.duration_seconds == 4
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

    assert scene.duration_seconds == 4


def _scene_with_dialogue_words(count: int, allowed=DEFAULT_DURATIONS):  # type: ignore[no-untyped-def]
    words = " ".join(["soup"] * count)
    return only_scene(f"INT. KITCHEN\n\nMia stirs.\n\nMIA\n{words}.\n", allowed)


def test_the_estimate_snaps_to_allowed_durations_and_grows_with_dialogue():
    short, medium, long = (_scene_with_dialogue_words(n) for n in (2, 12, 24))

    durations = [short.duration_seconds, medium.duration_seconds, long.duration_seconds]

    assert durations == [4, 8, 12]


def test_the_estimate_snaps_to_a_custom_set_of_durations():
    # Ten words of dialogue read in about five seconds: 8 by default, 6 when 6 is allowed.
    assert _scene_with_dialogue_words(2, (4, 6, 8)).duration_seconds == 4
    assert _scene_with_dialogue_words(10).duration_seconds == 8
    assert _scene_with_dialogue_words(10, (4, 6, 8)).duration_seconds == 6
    assert _scene_with_dialogue_words(10, (8, 4, 6)).duration_seconds == 6


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


# --- The rest of the Fountain subset -------------------------------------------------


def test_a_transition_ends_the_scene_and_is_not_action():
    text = "INT. KITCHEN\n\nMia stirs.\n\nCUT TO:\n\nEXT. GARDEN\n\nA cat.\n\n> SMASH CUT\n"

    kitchen, garden = parse_script(text)

    assert kitchen.transition == "CUT TO:"
    assert kitchen.action == "Mia stirs."
    assert garden.transition == "SMASH CUT"
    assert garden.action == "A cat."


def test_centered_text_and_forced_action_are_action():
    scene = only_scene("EXT. ROOF\n\n>THE END<\n\n!MIA\nIs not a cue here.\n")

    assert scene.action == "THE END MIA Is not a cue here."
    assert scene.dialogue == []
    assert scene.transition == ""


def test_boneyard_is_ignored_and_line_numbers_still_match():
    text = "/* an old scene\nINT. DELETED\n\nGone. */\n\nINT. KITCHEN\n\nMia stirs.\n"

    scene = only_scene(text)

    assert scene.heading == "INT. KITCHEN"
    assert scene.line == 6


def test_a_cue_can_be_a_handle_and_casts_that_character():
    scene = only_scene("INT. KITCHEN\n\nThe cat stares.\n\n@mochi_cat\n(purring)\nMrrp.\n")

    assert scene.dialogue == [("@mochi_cat", "Mrrp.")]
    assert scene.handles == ["mochi_cat"]
    assert scene.speakers == ["@mochi_cat"]


def test_a_shot_line_sets_duration_camera_look_and_an_explicit_cast():
    text = (
        "INT. STATION - NIGHT\n\n"
        "Mia waits. @tom_the_cat naps.\n"
        "[[shot: 8s, close-up, slow push-in, look: winter coat, cast: @mia @tom_the_cat]]\n"
    )

    scene = only_scene(text)

    assert scene.duration_seconds == 8
    assert scene.camera == "close-up, slow push-in"
    assert scene.look == "winter coat"
    assert scene.explicit_cast == ["mia", "tom_the_cat"]
    assert scene.shot_line == 4
    assert scene.problems == []


def test_an_omitted_note_marks_the_scene_omitted():
    assert only_scene("INT. KITCHEN\n[[omitted]]\n\nMia stirs.\n").omitted is True
    assert only_scene("INT. KITCHEN\n\nMia stirs.\n").omitted is False


# --- Problems, each with its line and a fix ------------------------------------------


def test_an_empty_scene_is_reported_with_its_line_and_a_fix():
    scenes = parse_script("INT. KITCHEN\n\nMia stirs.\n\nEXT. GARDEN\n\nINT. TRAM\n\nRain.\n")

    assert [str(p) for s in scenes for p in s.problems] == [
        "Line 5: The scene “EXT. GARDEN” has no action or dialogue. "
        "Write what happens in it, or delete its heading."
    ]


@pytest.mark.parametrize(
    ("written", "allowed", "used"),
    [("10s", (4, 8, 12), 12), ("12s", (4, 6, 8), 8), ("5s", (4, 6, 8), 6), ("2s", (4, 8, 12), 4)],
)
def test_a_duration_the_model_does_not_accept_is_reported_and_snapped(written, allowed, used):
    scene = only_scene(f"INT. TRAM\n\nMia sits.\n[[shot: {written}, wide]]\n", allowed)

    accepted = ", ".join(f"{d}s" for d in allowed)
    assert scene.duration_seconds == used
    assert [str(p) for p in scene.problems] == [
        f"Line 4: {written} is not a duration this model accepts ({accepted}); "
        f"the shot was set to {used}s. Write one of {accepted} in the shot line."
    ]


def test_an_accepted_duration_is_not_a_problem():
    assert only_scene("INT. TRAM\n\nMia sits.\n[[shot: 6s]]\n", (4, 6, 8)).problems == []


def test_a_scene_forced_shorter_than_any_shot_could_hold_is_reported():
    words = " ".join(["soup"] * 60)
    scene = only_scene(f"INT. KITCHEN\n[[shot: 8s]]\n\nMIA\n{words}\n")

    assert scene.duration_seconds == 8
    (problem,) = scene.problems
    assert problem.line == 2
    assert "more than the longest shot (12s)" in problem.message
    assert "Remove the duration" in problem.fix


# --- Long scenes become several shots --------------------------------------------------


def _long_scene(lines: int = 6, words: int = 12) -> str:
    speeches = "\n\n".join(
        f"{'MIA' if i % 2 else 'TOM'}\n" + " ".join([f"word{i}"] * words) + "."
        for i in range(lines)
    )
    return f"INT. KITCHEN - NIGHT\n\nMia and Tom argue over the last dumpling.\n\n{speeches}\n"


@pytest.mark.parametrize("allowed", [(4, 8, 12), (4, 6, 8)])
def test_a_long_scene_is_split_into_shots_the_model_accepts(allowed):
    text = _long_scene()

    shots = parse_script(text, allowed)

    assert len(shots) > 1
    assert all(s.duration_seconds in allowed for s in shots)
    assert all(s.heading == "INT. KITCHEN - NIGHT" for s in shots)
    assert [(s.part, s.parts) for s in shots] == [(i, len(shots)) for i in range(1, len(shots) + 1)]
    # Nothing lost and nothing reordered: the shots read back as the scene.
    everything = [line for s in shots for line in s.dialogue]
    assert len(everything) == 6 and everything[0][0] == "TOM" and everything[-1][0] == "MIA"
    assert shots[0].action == "Mia and Tom argue over the last dumpling."
    assert shots[0].line == 1
    # A later shot starts at its first line of text, so problems point there.
    assert text.splitlines()[shots[1].line - 1] == shots[1].dialogue[0][1]


def test_a_shorter_set_of_durations_gives_more_shots():
    text = _long_scene(lines=8)

    assert len(parse_script(text, (4, 6, 8))) > len(parse_script(text, (4, 8, 12)))


def test_a_shot_line_keeps_a_long_scene_in_one_piece():
    text = _long_scene(lines=2, words=10).replace("NIGHT\n", "NIGHT\n[[shot: 12s]]\n", 1)

    (scene,) = parse_script(text)

    assert scene.duration_seconds == 12
    assert len(scene.dialogue) == 2


def test_one_passage_too_long_for_any_shot_is_reported_with_its_line():
    words = " ".join(["dumpling"] * 50)
    shots = parse_script(f"INT. KITCHEN\n\nMia eats.\n\nMIA\n{words}\n")

    problems = [p for s in shots for p in s.problems]
    assert [p.line for p in problems] == [6]
    assert "longer than the longest shot (12s)" in problems[0].message
    assert problems[0].fix.startswith("Shorten it")


def test_each_shot_mentions_only_the_handles_in_it():
    text = (
        "INT. KITCHEN\n\n@mia cooks.\n\n"
        + "MIA\n"
        + " ".join(["soup"] * 25)
        + "\n\n"
        + "@tom_the_cat jumps on the table and knocks the pot over, soup everywhere.\n\n"
        + "TOM\n"
        + " ".join(["meow"] * 25)
        + "\n"
    )

    shots = parse_script(text)

    assert len(shots) >= 2
    assert "mia" in shots[0].handles and "tom_the_cat" not in shots[0].handles
    jumping = next(s for s in shots if "jumps" in s.action)
    assert jumping is not shots[0] and "tom_the_cat" in jumping.handles


# --- A whole episode -------------------------------------------------------------------


def test_a_real_looking_script_of_forty_five_scenes_parses_completely():
    text = long_script(45)
    lines = text.splitlines()

    scenes = parse_script(text)

    assert len(scenes) == 45
    assert [s.heading for s in scenes][:2] == [
        "INT. HANA'S KITCHEN 1 - NIGHT",
        "EXT. NIGHT MARKET 2 - NIGHT",
    ]
    assert all(lines[s.line - 1].upper() == s.heading for s in scenes)
    assert all(s.action.endswith(f"Beat {n}.") for n, s in enumerate(scenes, start=1))
    assert all(s.duration_seconds in (4, 8, 12) for s in scenes)
    assert [str(p) for s in scenes for p in s.problems] == []
    assert scenes[0].dialogue == [("HANA", "Just one left. I saved the best for last.")]
    assert scenes[0].camera == "medium shot"
    assert scenes[6].transition == "CUT TO:"
    assert "check the continuity" not in " ".join(s.action for s in scenes)
    assert "Act 2" not in " ".join(s.action for s in scenes)
    assert sum(1 for s in scenes if "hana_chef" in s.handles) == 16


# --- Writing the storyboard back as a script ---------------------------------------------


def _as_text(scene) -> SceneText:  # type: ignore[no-untyped-def]
    return SceneText(
        heading=scene.heading,
        action=scene.action,
        dialogue=scene.dialogue,
        duration_seconds=scene.duration_seconds,
        camera=scene.camera,
        look=scene.look,
        explicit_cast=scene.explicit_cast,
        omitted=scene.omitted,
        transition=scene.transition,
    )


def _shape(scene):  # type: ignore[no-untyped-def]
    return (
        scene.heading,
        scene.action,
        scene.dialogue,
        scene.duration_seconds,
        scene.camera,
        scene.look,
        scene.explicit_cast,
        scene.omitted,
        scene.transition,
    )


def test_writing_scenes_back_and_reading_them_again_gives_the_same_scenes():
    text = long_script(45)
    scenes = parse_script(text)

    written = write_script(title_page_of(text), [_as_text(s) for s in scenes])

    assert [_shape(s) for s in parse_script(written)] == [_shape(s) for s in scenes]
    assert written.startswith("Title: The Last Dumpling\n")


@pytest.mark.parametrize(
    "action",
    ["INT. NOT A HEADING", "CUT TO:", "#hashtag soup", ".hidden", "@mia enters.", "BOOM."],
)
def test_action_that_looks_like_something_else_survives_writing_back(action):
    scene = SceneText(heading="Mia's dream", action=action, duration_seconds=4, omitted=True)

    (again,) = parse_script(write_script("", [scene]))

    assert (again.heading, again.action, again.omitted) == ("Mia's dream", action, True)


def test_speakers_and_an_empty_explicit_cast_survive_writing_back():
    scene = SceneText(
        heading="INT. KITCHEN",
        dialogue=[("@mochi_cat", "Mrrp."), ("McCLANE", "Yippee."), ("MIA (V.O.)", "Hi.")],
        explicit_cast=[],
        look="apron",
        transition="FADE TO:",
    )

    (again,) = parse_script(write_script("", [scene]))

    assert again.dialogue == [("@mochi_cat", "Mrrp."), ("McCLANE", "Yippee."), ("MIA", "Hi.")]
    assert again.explicit_cast == []
    assert (again.look, again.transition) == ("apron", "FADE TO:")
