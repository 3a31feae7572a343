"""Storyboard edits reach the other viewers' pages over the project's live channel."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from characters.models import Character, Privacy
from generation.models import GenerationStatus
from generation.takes.events import publish_take
from projects.models import Scene
from tests.factories import make_take
from tests.test_live import _communicator, run

pytestmark = pytest.mark.django_db(transaction=True)


def _post(user, name: str, data: dict, **kwargs: int) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.post(reverse(f"board:{name}", kwargs=kwargs), data).status_code


def test_an_inline_edit_reaches_another_viewer_as_that_card(episode, writer, viewer):
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    data = {
        "heading": scene.heading,
        "action": "Mia tastes the soup and frowns.",
        "camera": "close-up",
        "look": "",
        "duration_seconds": 4,
    }
    communicator = _communicator(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)  # the snapshot
        status = await sync_to_async(_post)(writer, "edit_scene", data, scene_id=scene.pk)
        card = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return status, card

    status, card = run(scenario)
    assert status == 200
    assert card.startswith(f'<article id="scene-{scene.pk}"') and 'hx-swap-oob="true"' in card
    assert "Mia tastes the soup and frowns." in card and "close-up" in card
    assert "move-up" not in card  # rendered for the viewer, who may not edit


def test_a_reorder_reaches_another_viewer_as_the_new_order_alone(episode, writer, viewer):
    scenes = list(Scene.objects.filter(episode=episode).order_by("position"))
    order = [s.pk for s in reversed(scenes)]
    communicator = _communicator(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)
        data = {"order": ",".join(map(str, order))}
        await sync_to_async(_post)(writer, "reorder_scenes", data, episode_id=episode.pk)
        grid = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return grid

    pushed = run(scenario)
    assert pushed.startswith('<div id="board-order"') and "<article" not in pushed
    sent = re.search(r'data-order="([\d,]+)"', pushed)
    assert sent and [int(pk) for pk in sent.group(1).split(",")] == order


def _running_take(scene: Scene, user) -> None:  # type: ignore[no-untyped-def]
    take = make_take(scene, user, generation_status=GenerationStatus.RUNNING, progress=37)
    publish_take(take)  # as the engine does when a take's state changes


def test_one_take_change_reaches_each_viewer_as_their_own_card(episode, writer, viewer):
    """Sockets share the work of an event, never its result across viewer classes."""
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    mia = Character.objects.create(
        owner=writer, name="Mia", handle="mia", appearance="x", privacy=Privacy.ONLY_ME
    )
    scene.cast.set([mia])
    writers = [_communicator(writer, episode) for _ in range(2)]
    viewers = [_communicator(viewer, episode) for _ in range(2)]
    everyone = writers + viewers

    async def scenario():
        for socket in everyone:
            assert (await socket.connect())[0]
            await socket.receive_from(timeout=5)  # the snapshot
        await sync_to_async(_running_take)(scene, writer)
        cards = [await socket.receive_from(timeout=5) for socket in everyone]
        for socket in everyone:
            await socket.disconnect()
        return cards

    cards = run(scenario)
    assert all(f'id="scene-{scene.pk}"' in card and "· 37%" in card for card in cards)
    assert cards[0] == cards[1] and cards[2] == cards[3]
    for card in cards[:2]:  # the writer: her own character by name, the edit buttons
        assert "@mia" in card and "Edit</button>" in card
    for card in cards[2:]:  # the viewer: neither
        assert "@mia" not in card and "character unavailable" in card
        assert "Edit</button>" not in card
