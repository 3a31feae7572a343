"""The demo cast arrives with drawn front references that the animatic stages on its set."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from characters.models import Angle, Character, ReferenceImage
from characters.stored_files import recorded_file
from characters.tasks import make_reference_thumbnail
from generation.animatic_stage import cut_out
from generation.prompts import build_request, compile_scene


@pytest.fixture
def demo(db, settings, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.COMICSTUDIO_DEMO = True
    with django_capture_on_commit_callbacks() as scheduled:
        call_command("load_demo", stdout=io.StringIO())
    return scheduled


def test_the_demo_characters_come_with_drawn_front_references(demo) -> None:  # type: ignore[no-untyped-def]
    for character in Character.objects.filter(handle__in=("hana_chef", "mochi_cat")):
        front = character.references.get(angle=Angle.FRONT)
        with Image.open(front.image) as image:
            assert (image.format, image.size) == ("PNG", (768, 1024))
            figure, was_cut = cut_out(image)
        assert was_cut  # drawn on plain paper, so the animatic stands it on its set
        alpha = np.asarray(figure.getchannel("A"))
        assert alpha[0, 0] == 0 and alpha[alpha.shape[0] // 2, alpha.shape[1] // 2] == 255
        assert not front.has_face  # non-human: never blocked by a provider refusing faces
    assert len(demo) >= 2  # the thumbnails are made after commit, as for any upload


def test_the_demo_references_get_thumbnails_and_load_only_once(demo, settings) -> None:  # type: ignore[no-untyped-def]
    for reference in ReferenceImage.objects.all():
        make_reference_thumbnail(reference.pk)  # what the worker runs after commit
        reference.refresh_from_db()
        with Image.open(reference.thumbnail) as thumbnail:
            assert thumbnail.format == "JPEG"

    call_command("load_demo", stdout=io.StringIO())

    assert ReferenceImage.objects.count() == 2


def test_a_demo_scene_sends_its_camera_note_and_drawn_cast_to_the_animatic(demo) -> None:  # type: ignore[no-untyped-def]
    scene = Character.objects.get(handle="mochi_cat").scenes.order_by("position").first()
    assert scene is not None
    compiled = compile_scene(scene, provider="animatic")

    request = build_request(
        scene, prompt=compiled.text, width=720, height=1280, duration=4, compiled=compiled
    )

    assert request.camera == scene.camera != ""
    assert [name for name, _ in request.portraits] == ["Mochi"]
    with Image.open(recorded_file(request.portraits[0][1])) as image:  # a storage name
        assert image.size == (768, 1024)
