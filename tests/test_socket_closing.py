"""A user's open storyboard sockets end when their session ends or their access changes.

Over the real stack: the ASGI app with sessions, channels-redis, the live publisher.
"""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from comicstudio.asgi import application
from generation.board.sockets import ACCESS_CHANGED
from generation.models import GenerationStatus
from projects.membership import change_role, remove_member
from projects.models import Membership, Role, Studio
from tests.factories import make_take

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _socket(client: Client, episode) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    headers = [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1")]
    return WebsocketCommunicator(application, f"/ws/episodes/{episode.pk}/", headers=headers)


def _closed_after(client: Client, episode, action) -> dict:  # type: ignore[no-untyped-def]
    """Open the storyboard socket, run `action` (sync), return what the socket gets next."""
    communicator = _socket(client, episode)

    async def scenario():  # type: ignore[no-untyped-def]
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)  # the board snapshot
        await sync_to_async(action)()
        output = await communicator.receive_output(timeout=5)
        await communicator.wait()
        return output

    return async_to_sync(scenario)()


def test_removed_members_open_socket_is_closed_and_media_answer_404(episode, owner, writer):
    scene = episode.scenes.order_by("position").first()
    take = make_take(scene, writer, generation_status=GenerationStatus.SUCCEEDED)
    take.video = default_storage.save("takes/closing/video.mp4", ContentFile(b"0" * 500))
    take.save()
    client = _signed_in(writer)
    video = reverse("generation:take_video", args=[take.pk])
    assert client.get(video).status_code == 200
    membership = Membership.objects.get(user=writer)

    output = _closed_after(
        client, episode, lambda: remove_member(membership=membership, actor=owner)
    )

    assert output == {"type": "websocket.close", "code": ACCESS_CHANGED}
    assert client.get(video).status_code == 404
    assert client.get(reverse("generation:take_thumbnail", args=[take.pk])).status_code == 404
    default_storage.delete(take.video.name)


def test_role_change_closes_the_socket_and_the_new_role_reconnects(episode, owner, viewer):
    client = _signed_in(viewer)
    membership = Membership.objects.get(user=viewer)

    output = _closed_after(
        client,
        episode,
        lambda: change_role(membership=membership, role=Role.WRITER, actor=owner),
    )

    assert output["type"] == "websocket.close" and output["code"] == ACCESS_CHANGED

    async def reconnect():  # type: ignore[no-untyped-def]
        communicator = _socket(client, episode)
        assert (await communicator.connect())[0]
        board = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return board

    board = async_to_sync(reconnect)()
    assert "Generate</button>" in board  # rendered for a writer now


def test_logout_closes_the_users_sockets(episode, viewer):
    client = _signed_in(viewer)

    output = _closed_after(client, episode, lambda: client.post(reverse("logout")))

    assert output["type"] == "websocket.close" and output["code"] == ACCESS_CHANGED


def test_removal_from_another_studio_leaves_this_socket_open(episode, owner, viewer):
    other = Studio.objects.create(name="Side Gig")
    Membership.objects.create(studio=other, user=owner, role=Role.OWNER)
    elsewhere = Membership.objects.create(studio=other, user=viewer, role=Role.VIEWER)
    communicator = _socket(_signed_in(viewer), episode)

    async def scenario():  # type: ignore[no-untyped-def]
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)
        await sync_to_async(remove_member)(membership=elsewhere, actor=owner)
        quiet = await communicator.receive_nothing(timeout=1)
        await communicator.disconnect()
        return quiet

    assert async_to_sync(scenario)()
