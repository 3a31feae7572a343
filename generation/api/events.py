"""A server-sent-events stream of an episode's live events (served under ASGI).

It joins the project's Channels group (`projects.live.project_group`) as the storyboard's
socket does and forwards the events of this episode: ids only, plus the scene's status
and progress, read again for this caller (access is checked again at every event; a
caller who lost access gets the stream closed).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Router

from generation.api.auth import Caller, NotFound, caller, episode_for, scene_for
from generation.board.status import card_take, scene_status
from projects.live import project_group

router = Router(tags=["events"])
KEEP_ALIVE_SECONDS = 15


def _scene_event(found: Caller, scene_id: int) -> dict[str, object] | None:
    try:
        scene, _ = scene_for(found, scene_id)
    except (Http404, NotFound):
        return None
    take = card_take(scene)
    return {
        "scene_id": scene.pk, "position": scene.position, "status": scene_status(scene),
        "take_id": take.pk if take else None,
        "progress": take.progress if take else 0,
        "generation_status": take.generation_status if take else "",
    }  # fmt: skip


async def _stream(found: Caller, project_id: int, episode_id: int) -> AsyncIterator[str]:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = project_group(project_id)
    await layer.group_add(group, channel)
    try:
        yield "retry: 3000\n\n"
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), KEEP_ALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if message.get("episode_id") != episode_id:
                continue
            data: dict[str, object] | None = {"episode_id": episode_id}
            if message.get("scene_id"):
                data = await database_sync_to_async(_scene_event)(found, message["scene_id"])
            if data is None:
                break
            yield f"event: {message['type']}\ndata: {json.dumps(data)}\n\n"
    finally:
        await layer.group_discard(group, channel)


@router.get("/episodes/{episode_id}/events", summary="Live events of an episode (SSE)")
def events(request: HttpRequest, episode_id: int) -> StreamingHttpResponse:
    """`text/event-stream`: `scene.changed` (with the scene's status and progress) and
    `board.changed` events as they happen; a comment line every 15 s keeps it open."""
    found = caller(request)
    episode, _ = episode_for(found, episode_id)
    response = StreamingHttpResponse(
        _stream(found, episode.project_id, episode.pk), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
