"""Prompt compilation: golden prompts per provider, stable byte for byte, and its warnings."""

from __future__ import annotations

import pytest

from generation.credentials import (
    ProjectGenerationSettings,
    ProviderCharacter,
    ProviderCredential,
)
from generation.models import Take
from generation.prompt_checks import prompt_warnings
from generation.prompts import build_request, compile_scene
from generation.services import GenerationRefused
from generation.takes import engine
from projects.models import Project, Scene
from tests.factories import request_takes
from tests.prompt_scene import reference
from tests.providers import add_credential

pytestmark = pytest.mark.django_db


GOLDEN_OPENAI = """\
Style: 2D anime, cel shading, soft pastel palette
Scene: EXT. MARKET - DAY.
Mia hands Tom a bowl of soup.
Camera: close-up, slow push-in.
Mia: A cook of twelve with a red scarf and short black hair. Look "Winter coat": A long navy coat.
Tom: A tall grey cat.
Mia says: "Careful, it's hot."
Avoid: Mia: never orange hair"""

GOLDEN_VEO = """\
Style: 2D anime, cel shading, soft pastel palette
Scene: EXT. MARKET - DAY.
Mia hands Tom a bowl of soup.
Camera: close-up, slow push-in.
Mia: A cook of twelve with a red scarf and short black hair. Look "Winter coat": A long navy coat.
Tom: A tall grey cat.
Reference images: image 1 shows Mia (front, Winter coat); image 2 shows Tom (front); \
image 3 shows Mia (front).
Mia says: "Careful, it's hot.\""""

GOLDEN_ANIMATIC = """\
Style: 2D anime, cel shading, soft pastel palette
Scene: EXT. MARKET - DAY.
Mia hands Tom a bowl of soup.
Camera: close-up, slow push-in.
Mia: A cook of twelve with a red scarf and short black hair. Look "Winter coat": A long navy coat.
Tom: A tall grey cat.
Avoid: Mia: never orange hair"""


def test_openai_prompt_names_the_cast_verbatim_and_sends_registered_ids(scene, studio, writer):
    credential = ProviderCredential(studio=studio, provider="openai")
    credential.set_api_key("sk-x")
    credential.save()
    mia = scene.cast.get(handle="mia")
    ProviderCharacter.objects.create(
        credential=credential, character=mia, provider_character_id="char_mia", registered_by=writer
    )

    compiled = compile_scene(scene, provider="openai", credential=credential)

    assert compiled.text == GOLDEN_OPENAI
    assert compiled.character_ids == (("Mia", "char_mia"),)
    assert compiled.references == () and compiled.negative == ""


def test_a_registration_the_provider_refused_sends_no_id(scene, studio, writer):
    credential = ProviderCredential(studio=studio, provider="openai")
    credential.set_api_key("sk-x")
    credential.save()
    mia = scene.cast.get(handle="mia")
    ProviderCharacter.objects.create(
        credential=credential, character=mia, status="failed", error="No.", registered_by=writer
    )

    compiled = compile_scene(scene, provider="openai", credential=credential)

    assert compiled.character_ids == ()


def test_veo_prompt_binds_each_reference_image_to_a_name_and_sends_negatives_apart(scene):
    mia, tom = scene.cast.get(handle="mia"), scene.cast.get(handle="tom")
    coat = mia.looks.get()
    reference(mia)  # base front: after the look's own image
    reference(mia, angle="side")  # a fourth image: over the limit of three
    reference(mia, look=coat)
    reference(tom)

    compiled = compile_scene(scene, provider="veo")
    request = build_request(
        scene, prompt=compiled.text, width=1280, height=720, duration=8, compiled=compiled
    )

    assert compiled.text == GOLDEN_VEO
    assert [(r.number, r.name) for r in compiled.references] == [(1, "Mia"), (2, "Tom"), (3, "Mia")]
    assert request.reference_images == tuple(r.file for r in compiled.references)
    assert request.negative_prompt == "Mia: never orange hair"
    assert compiled.character_ids == ()


def test_handles_are_written_as_names_and_unknown_ones_never_reach_the_provider(scene):
    scene.action = "@mia hands @Tom a bowl; @secret_cat watches."
    scene.dialogue = [
        {"speaker": "@mia", "line": "For you, @tom."},
        {"speaker": "@ghost", "line": "Boo."},
    ]
    scene.save()

    compiled = compile_scene(scene, provider="openai")
    request = build_request(
        scene, prompt=compiled.text, width=720, height=1280, duration=8, compiled=compiled
    )

    assert "Mia hands Tom a bowl; someone watches." in compiled.text
    assert 'Mia says: "For you, Tom."' in compiled.text and 'Someone says: "Boo."' in compiled.text
    assert "@" not in compiled.text and "secret_cat" not in compiled.text
    assert "ghost" not in compiled.text
    assert request.action == "Mia hands Tom a bowl; someone watches."
    assert request.dialogue == (("Mia", "For you, Tom."), ("Someone", "Boo."))


def test_style_notes_and_the_look_are_sentences_of_the_bible(scene):
    tom = scene.cast.get(handle="tom")
    tom.appearance, tom.style_notes = "A tall grey cat", "thick ink outlines"
    tom.save()

    text = compile_scene(Scene.objects.get(pk=scene.pk), provider="animatic").text

    assert "Tom: A tall grey cat. Drawn as: thick ink outlines.\n" in text
    assert 'short black hair. Look "Winter coat": A long navy coat.\n' in text


def test_animatic_prompt_is_a_plain_description_without_dialogue(scene):
    assert compile_scene(scene, provider="animatic").text == GOLDEN_ANIMATIC


def test_the_same_scene_compiles_to_the_same_bytes_whatever_the_cast_order(scene):
    first = compile_scene(scene, provider="openai").text
    scene.cast.set(list(scene.cast.order_by("-handle")))
    again = compile_scene(Scene.objects.get(pk=scene.pk), provider="openai").text
    assert first.encode() == again.encode()


def test_an_unknown_look_falls_back_to_the_base_appearance(scene):
    scene.look = "swimsuit"
    text = compile_scene(scene, provider="openai").text
    assert "Mia: A cook of twelve with a red scarf and short black hair.\n" in text
    assert "navy coat" not in text


def test_a_colour_that_contradicts_the_bible_is_warned_about(scene):
    scene.action = "Mia pulls her blue scarf tight."
    warnings = prompt_warnings(scene, compile_scene(scene, provider="animatic"))
    assert warnings == [
        'The scene says "blue scarf" but Mia\'s bible says "red scarf": change the action '
        "or choose another look."
    ]


def test_the_look_itself_is_part_of_the_bible_checked(scene):
    scene.action = "Mia buttons her green coat."
    (warning,) = prompt_warnings(scene, compile_scene(scene, provider="animatic"))
    assert '"green coat"' in warning and '"navy coat"' in warning


def test_a_prompt_over_the_providers_limit_is_warned_about(scene):
    scene.action = "Steam rises. " * 400
    warnings = prompt_warnings(scene, compile_scene(scene, provider="veo"))
    assert any("characters; this provider takes at most 4000" in w for w in warnings)
    assert not prompt_warnings(scene, compile_scene(scene, provider="animatic"))


def test_a_face_in_a_reference_is_refused_only_where_the_provider_rejects_faces(scene):
    reference(scene.cast.get(handle="mia"), has_face=True)
    openai = prompt_warnings(scene, compile_scene(scene, provider="openai"))
    assert any("Mia: a reference image shows a human face" in w for w in openai)
    assert not prompt_warnings(scene, compile_scene(scene, provider="veo"))


def test_a_face_refusal_stops_generation_before_anything_is_sent(scene, studio, writer, fake):
    Project.objects.filter(pk=scene.episode.project_id).update(provider="openai")
    add_credential(studio, fake)
    reference(scene.cast.get(handle="mia"), has_face=True)

    with pytest.raises(GenerationRefused, match="rejects human faces"):
        request_takes(scenes=[Scene.objects.get(pk=scene.pk)], requested_by=writer)

    assert not Take.objects.exists()
    assert fake.requests == []


def test_an_automatic_fallback_refused_for_a_face_leaves_the_failed_take_as_it_is(
    scene, studio, writer, fake
):
    add_credential(studio, fake)
    ProjectGenerationSettings.objects.create(
        project=scene.episode.project, fallback_provider="openai", auto_fallback=True
    )
    reference(scene.cast.get(handle="mia"), has_face=True)
    (take,) = request_takes(scenes=[scene], requested_by=writer)  # the animatic: no refusal

    engine.finish(take, "The animatic renderer is down.")

    take.refresh_from_db()
    assert take.generation_status == "failed" and Take.objects.count() == 1
    assert fake.requests == []
