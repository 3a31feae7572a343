"""Registering a character's clip with a provider, and takes passing its id."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from characters.models import Character
from generation.animatic_render import AnimaticSpec, render_animatic
from generation.credentials import ProviderCharacter
from generation.models import GenerationStatus
from generation.services import request_takes
from projects.models import Episode, Project
from projects.services import save_script
from tests.providers import add_credential, all_final
from tests.waiting import wait_for


def _clip(tmp_path: Path, seconds: int) -> SimpleUploadedFile:
    spec = AnimaticSpec("INT. STUDIO - DAY", "Mia turns.", (), seconds, 320, 568, fps=6)
    video = tmp_path / f"clip{seconds}.mp4"
    render_animatic(spec, video_path=video, thumbnail_path=tmp_path / f"clip{seconds}.jpg")
    return SimpleUploadedFile("mia.mp4", video.read_bytes(), content_type="video/mp4")


@pytest.fixture
def mia(writer) -> Character:  # type: ignore[no-untyped-def]
    return Character.objects.create(
        owner=writer, name="Mia", handle="mia", appearance="A cook with a red scarf."
    )


@pytest.mark.django_db
def test_the_owner_registers_a_three_second_clip_and_a_six_second_one_is_refused(
    client, studio, writer, mia, fake, settings, tmp_path
):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    credential = add_credential(studio, fake)
    client.force_login(writer)
    url = f"/studios/{studio.pk}/characters/"

    too_long = client.post(url, {"character": mia.pk, "credential": credential.pk,
                                 "clip": _clip(tmp_path, 6)})  # fmt: skip
    assert too_long.status_code == 400
    assert "The clip lasts 6.0 s: it must last 2 to 4 s." in too_long.content.decode()
    assert not fake.characters

    page = client.post(url, {"character": mia.pk, "credential": credential.pk,
                             "clip": _clip(tmp_path, 3)}, follow=True)  # fmt: skip

    (registered_id,) = fake.characters
    assert fake.characters[registered_id] == "Mia"
    assert ProviderCharacter.objects.get(character=mia).provider_character_id == registered_id
    assert registered_id in page.content.decode()


@pytest.mark.django_db
def test_nobody_but_the_owner_may_upload_a_characters_likeness(
    client, studio, producer, mia, fake, tmp_path
):
    credential = add_credential(studio, fake)
    client.force_login(producer)
    response = client.post(f"/studios/{studio.pk}/characters/",
                           {"character": mia.pk, "credential": credential.pk,
                            "clip": _clip(tmp_path, 3)})  # fmt: skip
    assert response.status_code == 400  # not among the producer's characters
    assert not fake.characters and not ProviderCharacter.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_take_of_a_scene_with_a_registered_character_sends_its_id_and_names_it(
    studio, writer, mia, fake, fast_engine, celery_worker
):
    credential = add_credential(studio, fake)
    ProviderCharacter.objects.create(
        credential=credential, character=mia, provider_character_id="char_mia", registered_by=writer
    )
    project = Project.objects.create(studio=studio, name="Mia's", provider="openai")
    episode = Episode.objects.create(project=project, number=1, title="One")
    save_script(episode=episode, text="INT. KITCHEN - DAY\n\n@mia tastes the soup.\n",
                edited_by=writer)  # fmt: skip
    takes = request_takes(scenes=list(episode.scenes.all()), requested_by=writer)
    wait_for(lambda: all_final(takes), what="the take")

    assert takes[0].generation_status == GenerationStatus.SUCCEEDED
    (job,) = fake.submissions()
    assert job.body["characters"] == ["char_mia"]
    assert "Mia: A cook with a red scarf." in job.prompt
