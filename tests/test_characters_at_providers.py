"""Registering a character's clip with a provider, and takes passing its id."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from characters.models import Character
from generation.credentials import ProviderCharacter
from generation.models import GenerationStatus
from projects.models import Episode, Project
from projects.services import save_script
from tests.character_media import clip_bytes
from tests.factories import request_takes
from tests.providers import add_credential, all_final
from tests.waiting import wait_for


def _give_clip(character: Character, seconds: int) -> bytes:
    """Store a clip as the character's reference clip, as its page would (bytes returned)."""
    content = clip_bytes(seconds)
    character.reference_clip.save("mia.mp4", ContentFile(content))
    character.clip_seconds = seconds
    character.save(update_fields=["clip_seconds"])
    return content


@pytest.fixture
def mia(writer) -> Character:  # type: ignore[no-untyped-def]
    character = Character.objects.create(
        owner=writer, name="Mia", handle="mia", appearance="A cook with a red scarf."
    )
    _give_clip(character, 3)
    return character


@pytest.mark.django_db
def test_the_owner_registers_a_three_second_clip_and_a_six_second_one_is_refused(
    client, studio, writer, mia, fake, settings
):
    settings.COMICSTUDIO_PROVIDER_TIMEOUT = 5
    credential = add_credential(studio, fake)
    client.force_login(writer)
    url = f"/studios/{studio.pk}/characters/"

    _give_clip(mia, 6)  # stored before the page checked lengths
    too_long = client.post(url, {"character": mia.pk, "credential": credential.pk})
    assert too_long.status_code == 400
    assert "The clip lasts 6.0 s: it must last 2 to 4 s." in too_long.content.decode()
    assert not fake.characters

    stored = _give_clip(mia, 3)
    page = client.post(url, {"character": mia.pk, "credential": credential.pk}, follow=True)

    (registered_id,) = fake.characters
    assert fake.characters[registered_id] == "Mia"
    assert fake.character_clips[registered_id] == stored  # the character's own clip, as stored
    assert ProviderCharacter.objects.get(character=mia).provider_character_id == registered_id
    assert registered_id in page.content.decode()


@pytest.mark.django_db
def test_nobody_but_the_owner_may_upload_a_characters_likeness(client, studio, producer, mia, fake):
    credential = add_credential(studio, fake)
    client.force_login(producer)
    response = client.post(f"/studios/{studio.pk}/characters/",
                           {"character": mia.pk, "credential": credential.pk})  # fmt: skip
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


@pytest.mark.django_db
def test_a_character_without_a_clip_cannot_be_picked_and_the_page_says_where_to_add_one(
    client, studio, writer, mia, fake
):
    credential = add_credential(studio, fake)
    noor = Character.objects.create(owner=writer, name="Noor", handle="noor")
    client.force_login(writer)
    url = f"/studios/{studio.pk}/characters/"

    page = client.get(url).content.decode()
    response = client.post(url, {"character": noor.pk, "credential": credential.pk})

    assert f'<option value="{mia.pk}">' in page and f'<option value="{noor.pk}">' not in page
    assert "added on the character's page" in page
    assert f'href="{reverse("characters:detail", args=["noor"])}"' in page
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not fake.characters and not ProviderCharacter.objects.exists()


@pytest.mark.django_db
def test_the_character_page_shows_its_registrations_to_the_owner_only(
    client, studio, writer, producer, mia, fake
):
    credential = add_credential(studio, fake)
    ProviderCharacter.objects.create(
        credential=credential, character=mia, status="failed",
        error="The clip shows a human face.", registered_by=writer,
    )  # fmt: skip
    mia.privacy = "everyone"
    mia.save(update_fields=["privacy"])
    url = reverse("characters:detail", args=["mia"])

    client.force_login(writer)
    for_owner = client.get(url).content.decode()
    client.force_login(producer)
    for_producer = client.get(url).content.decode()

    assert "Registered with providers" in for_owner
    assert f"{credential.get_provider_display()} (studio {studio.name}): Failed" in for_owner
    assert "The clip shows a human face." in for_owner
    assert "Registered with providers" not in for_producer
    assert "The clip shows a human face." not in for_producer


@pytest.mark.django_db
def test_a_registered_only_me_character_is_not_listed_to_other_members(
    client, studio, writer, producer, mia, fake
):
    credential = add_credential(studio, fake)
    ProviderCharacter.objects.create(
        credential=credential, character=mia, provider_character_id="char_mia", registered_by=writer
    )
    client.force_login(producer)
    page = client.get(f"/studios/{studio.pk}/characters/").content.decode()
    assert "Mia" not in page and "@mia" not in page and "char_mia" not in page
    client.force_login(writer)
    assert "char_mia" in client.get(f"/studios/{studio.pk}/characters/").content.decode()
