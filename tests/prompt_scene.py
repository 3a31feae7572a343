"""A scene with two cast members, a look and negative notes: prompt compilation's fixture."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from characters.models import Character, Look, Privacy, ReferenceImage
from projects.models import Episode, Project, Scene
from tests.character_media import image_bytes


def reference(character, *, angle: str = "front", look=None, has_face: bool = False):  # type: ignore[no-untyped-def]
    image = ReferenceImage(
        character=character, look=look, angle=angle, content_type="image/png",
        width=64, height=48, has_face=has_face,
    )  # fmt: skip
    image.image.save(f"{character.handle}-{angle}.png", ContentFile(image_bytes()), save=False)
    image.save()
    return image


@pytest.fixture
def scene(studio, writer) -> Scene:  # type: ignore[no-untyped-def]
    project = Project.objects.create(
        studio=studio, name="Soup", style_lock="2D anime, cel shading, soft pastel palette"
    )
    episode = Episode.objects.create(project=project, number=1, title="Soup")
    mia = Character.objects.create(
        owner=writer, name="Mia", handle="mia", privacy=Privacy.EVERYONE,
        appearance="A cook of twelve with a red scarf and short black hair.",
        negative_notes="never orange hair",
    )  # fmt: skip
    tom = Character.objects.create(
        owner=writer, name="Tom", handle="tom", privacy=Privacy.EVERYONE,
        appearance="A tall grey cat.",
    )  # fmt: skip
    Look.objects.create(character=mia, name="Winter coat", description="A long navy coat.")
    scene = Scene.objects.create(
        episode=episode, position=1, heading="EXT. MARKET - DAY",
        action="Mia hands Tom a bowl of soup.", camera="close-up, slow push-in",
        look="winter coat", duration_seconds=8,
        dialogue=[{"speaker": "MIA", "line": "Careful, it's hot."}],
    )  # fmt: skip
    scene.cast.set([tom, mia])
    return scene
