"""The permission matrix: privacy level × who asks × every place a character appears."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from characters.models import Character
from comicstudio.asgi import application
from projects.models import Scene
from projects.services import save_script
from tests.character_world import PERSONAS, SCRIPT, SEES, World, build_world

LEVELS = list(SEES)


def _client(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def _what_they_see(world: World, persona: str) -> dict[str, bool]:
    client, handle = _client(world, persona), world.character.handle
    reference = world.character.references.get()
    owner = world.character.owner.username
    urls = {
        "library": reverse("characters:library"),
        "search": reverse("characters:library") + "?q=lum",
        "search_by_kind": reverse("characters:library") + "?q=animal",
        "autocomplete": reverse("characters:autocomplete") + "?q=lu",
        "profile": reverse("characters:profile", args=[owner]),
    }
    seen = {name: f"@{handle}" in client.get(url).content.decode() for name, url in urls.items()}
    detail = client.get(reverse("characters:detail", args=[handle]))
    seen["detail"] = detail.status_code == 200 and "teal scarf" in detail.content.decode()
    image = client.get(reverse("characters:reference_image", args=[reference.pk]))
    seen["media"] = image.status_code == 200
    thumbnail = client.get(reverse("characters:reference_thumbnail", args=[reference.pk]))
    seen["thumbnail"] = thumbnail.status_code == 200
    clip = client.get(reverse("characters:reference_clip", args=[handle]))
    seen["clip"] = clip.status_code == 200
    if persona == "anonymous":
        for response in (detail, image, thumbnail, clip):
            assert response.status_code == 302  # to the login page, nothing else
    elif not seen["detail"]:
        assert {detail.status_code, image.status_code, clip.status_code} == {404}
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("level", LEVELS)
def test_who_sees_the_character_in_pages_search_autocomplete_and_media(level, persona):
    world = build_world(level)

    seen = _what_they_see(world, persona)

    expected = persona in SEES[level]
    assert seen == dict.fromkeys(seen, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
@pytest.mark.parametrize("level", LEVELS)
def test_who_can_cast_the_character_by_breakdown_of_a_script(level, persona):
    world = build_world(level)

    result = save_script(episode=world.episode, text=SCRIPT, edited_by=world.users[persona])

    scene = world.episode.scenes.get()
    casts = list(scene.cast.all()) == [world.character]
    assert casts == (persona in SEES[level])
    # Hidden and non-existent handles get the same words.
    expected = [] if casts else ["no character @lumi_fox that you can use."]
    assert [problem.message for problem in result.problems] == expected


@pytest.mark.django_db
def test_anonymous_visitor_cannot_reach_the_script_breakdown(client):
    world = build_world("everyone")
    response = client.get(reverse("board:edit_script", args=[world.episode.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _card_over_the_socket(world: World, persona: str) -> str | None:
    client = _client(world, persona)
    headers = [(b"origin", b"http://127.0.0.1")]
    if "sessionid" in client.cookies:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    path = f"/ws/episodes/{world.episode.pk}/"

    async def snapshot() -> str | None:
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await communicator.connect()
        if not connected:
            return None
        grid = await communicator.receive_from(timeout=10)
        await communicator.disconnect()
        return grid

    return async_to_sync(snapshot)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("level", LEVELS)
def test_who_sees_the_character_on_the_live_scene_card(level):
    world = build_world(level)
    scene = Scene.objects.create(episode=world.episode, position=1, heading="INT. LAB - DAY")
    scene.cast.add(world.character)

    cards = {persona: _card_over_the_socket(world, persona) for persona in PERSONAS}

    assert cards["anonymous"] is None  # the handshake is refused
    shown = {p for p, card in cards.items() if card and "@lumi_fox" in card}
    unavailable = {p for p, card in cards.items() if card and "character unavailable" in card}
    assert shown == SEES[level]
    assert unavailable == set(PERSONAS[:-1]) - SEES[level]
    for persona in unavailable:  # no link, no name: only the script's own words remain
        assert 'href="/characters/lumi_fox/"' not in cards[persona]
        assert "Lumi" not in cards[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("level", LEVELS)
def test_queryset_and_predicate_agree_for_everyone(level):
    world = build_world(level)
    for persona in PERSONAS:
        user = world.users[persona]
        in_queryset = Character.objects.visible_to(user).filter(pk=world.character.pk).exists()
        assert in_queryset == world.character.is_visible_to(user) == (persona in SEES[level])
