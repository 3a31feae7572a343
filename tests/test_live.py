"""The storyboard's live channel over the real stack: ASGI app, sessions, channels-redis."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from comicstudio.asgi import application
from generation.models import Take
from generation.takes.events import publish_take
from projects.models import Membership, Scene
from tests.factories import request_takes

pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(user, episode) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    """A socket client carrying the user's real session cookie, as a browser would."""
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    headers = [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1")]
    path = f"/ws/episodes/{episode.pk if episode else 0}/"
    return WebsocketCommunicator(application, path, headers=headers)


def run(coroutine_function):  # type: ignore[no-untyped-def]
    return async_to_sync(coroutine_function)()


def test_outsider_is_refused_on_the_projects_socket(episode, outsider):
    communicator = _communicator(outsider, episode)

    async def scenario():
        connected, _ = await communicator.connect()
        assert not connected

    run(scenario)


def test_anonymous_visitor_is_refused(episode):
    async def scenario():
        communicator = WebsocketCommunicator(
            application, f"/ws/episodes/{episode.pk}/", headers=[(b"origin", b"http://127.0.0.1")]
        )
        connected, _ = await communicator.connect()
        assert not connected

    run(scenario)


def test_member_gets_the_current_board_on_connect(episode, viewer):
    communicator = _communicator(viewer, episode)

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        snapshot = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return snapshot

    snapshot = run(scenario)
    assert 'id="scene-grid"' in snapshot and 'hx-swap-oob="true"' in snapshot
    for scene in Scene.objects.filter(episode=episode):
        assert f'id="scene-{scene.pk}"' in snapshot


def test_member_receives_the_card_when_a_take_changes(episode, writer, viewer):
    scene = Scene.objects.filter(episode=episode).order_by("position").first()

    communicator = _communicator(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)  # the snapshot
        take = (await sync_to_async(request_takes)(scenes=[scene], requested_by=writer))[0]
        queued = await communicator.receive_from(timeout=5)
        await sync_to_async(_make_running)(take.pk)
        running = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return queued, running

    queued, running = run(scenario)
    assert queued.startswith(f'<article id="scene-{scene.pk}"')
    assert 'hx-swap-oob="true"' in queued and 'data-generation-status="queued"' in queued
    assert 'data-generation-status="running"' in running and 'value="40"' in running
    # The viewer's render has no Generate button: cards are rendered for their viewer.
    assert "Generate</button>" not in running


def _make_running(take_id: int) -> None:
    take = Take.objects.select_related("scene__episode").get(pk=take_id)
    Take.objects.filter(pk=take_id).update(generation_status="submitted")
    take.refresh_from_db()
    take.record_progress(40)
    publish_take(take)


def test_member_removed_from_the_studio_stops_receiving(episode, writer, viewer):
    scene = Scene.objects.filter(episode=episode).first()

    communicator = _communicator(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)
        await sync_to_async(Membership.objects.filter(user=viewer).delete)()
        await sync_to_async(request_takes)(scenes=[scene], requested_by=writer)
        output = await communicator.receive_output(timeout=5)
        return output

    output = run(scenario)
    assert output["type"] == "websocket.close"


def test_an_idle_socket_still_receives_events_after_twelve_seconds(episode, writer, viewer):
    """redis-py 8's 5 s default socket timeout used to drop idle consumers."""
    scene = Scene.objects.filter(episode=episode).first()

    communicator = _communicator(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)
        started = time.monotonic()
        await asyncio.sleep(12)
        assert await communicator.receive_nothing(timeout=0.1)
        await sync_to_async(request_takes)(scenes=[scene], requested_by=writer)
        message = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return message, time.monotonic() - started

    message, idle = run(scenario)
    assert idle > 10
    assert f'id="scene-{scene.pk}"' in message


def test_publishing_many_events_reuses_one_redis_connection_pool(episode):
    """A worker publishes hundreds of progress events; each must not open a connection."""
    import redis
    from django.conf import settings

    from projects.live import send_now

    client = redis.Redis.from_url(settings.REDIS_URL)
    send_now(episode.project_id, {"type": "board.changed", "episode_id": episode.pk})
    before = int(client.info("stats")["total_connections_received"])

    for _ in range(50):
        send_now(episode.project_id, {"type": "board.changed", "episode_id": episode.pk})

    opened = int(client.info("stats")["total_connections_received"]) - before
    assert opened <= 2, f"{opened} new Redis connections for 50 events"


@pytest.mark.parametrize("path", ["/ws/episodes/abc/", "/ws/nowhere/", "/", "/ws/episodes/1"])
def test_an_unknown_socket_path_is_refused_cleanly(path, viewer):
    signed_in = _communicator(viewer, None).scope["headers"]

    async def scenario():
        for headers in ([(b"origin", b"http://127.0.0.1")], signed_in):
            communicator = WebsocketCommunicator(application, path, headers=headers)
            connected, _ = await communicator.connect()
            assert not connected

    run(scenario)
