"""The prompt preview on a scene's review page: exactly what is sent, and its warnings."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from characters.models import Privacy
from generation.credentials import ProviderCharacter, ProviderCredential
from generation.models import Take
from generation.prompts import compile_scene
from projects.models import Project
from tests.prompt_scene import reference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("list_prices")]


def use_provider(scene, provider: str) -> ProviderCredential | None:  # type: ignore[no-untyped-def]
    Project.objects.filter(pk=scene.episode.project_id).update(provider=provider)
    scene.episode.project.provider = provider
    if provider == "animatic":
        return None
    credential = ProviderCredential(studio=scene.episode.project.studio, provider=provider)
    credential.set_api_key("sk-test-key-1234")
    credential.save()
    return credential


def review_page(client, scene) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("generation:scene_review", args=[scene.pk]))
    return unescape(response.content.decode())


def test_the_preview_shows_the_exact_veo_text_references_negatives_and_cost(client, scene, writer):
    use_provider(scene, "veo")
    reference(scene.cast.get(handle="tom"))
    client.force_login(writer)

    page = review_page(client, scene)

    sent = compile_scene(scene, provider="veo").text
    assert f'<pre id="prompt-text">{sent}</pre>' in page
    assert "image 1: Tom (front)" in page
    assert '<span id="prompt-negative">Mia: never orange hair</span>' in page
    assert f"{len(sent)} characters of at most 4000 · estimated cost $3.20" in page


def test_the_preview_lists_the_character_ids_sent_to_openai(client, scene, writer):
    credential = use_provider(scene, "openai")
    mia = scene.cast.get(handle="mia")
    ProviderCharacter.objects.create(
        credential=credential, character=mia, provider_character_id="char_mia", registered_by=writer
    )
    client.force_login(writer)
    assert "<li>Mia: <code>char_mia</code></li>" in review_page(client, scene)


def test_the_preview_warns_when_the_action_contradicts_a_bible(client, scene, writer):
    scene.action = "Mia waves her blue scarf."
    scene.save()
    client.force_login(writer)
    assert 'The scene says "blue scarf" but Mia\'s bible says "red scarf"' in review_page(
        client, scene
    )


def test_the_preview_warns_about_a_prompt_over_the_providers_limit(client, scene, writer):
    use_provider(scene, "openai")
    scene.action = "The market fills with people. " * 150
    scene.save()
    client.force_login(writer)
    assert "this provider takes at most 4000. Shorten the action" in review_page(client, scene)


def test_a_face_the_provider_rejects_is_shown_and_refused_before_any_money_is_spent(
    client, scene, writer
):
    use_provider(scene, "openai")
    reference(scene.cast.get(handle="mia"), has_face=True)
    client.force_login(writer)

    page = review_page(client, scene)
    response = client.post(reverse("generation:generate_scene", args=[scene.pk]))

    assert "Generating is refused before anything is sent: Mia: a reference image shows" in page
    assert response.status_code == 409
    assert "rejects human faces" in response.content.decode()
    assert not Take.objects.exists()


def test_a_member_who_cannot_see_a_cast_member_does_not_see_the_prompt(
    client, scene, writer, viewer
):
    mia = scene.cast.get(handle="mia")
    mia.privacy = Privacy.ONLY_ME
    mia.save()
    client.force_login(viewer)
    page = review_page(client, scene)
    assert "its prompt is hidden" in page
    assert "short black hair" not in page


def test_each_card_loads_its_prompt_preview_on_demand(client, episode, writer, outsider):
    scene = episode.scenes.order_by("position").first()
    client.force_login(writer)
    board = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    url = reverse("generation:prompt_preview", args=[scene.pk])
    assert f'hx-get="{url}"' in board

    fragment = client.get(url).content.decode()

    assert f'<pre id="prompt-text-{scene.pk}">' in fragment
    assert scene.heading in fragment and "<html" not in fragment
    client.force_login(outsider)
    assert client.get(url).status_code == 404
