"""The project's live channel: group naming and publishing events after commit.

Events carry ids only; each consumer renders the current state for its own viewer.
Publishing goes through one event loop per process, running in a daemon thread, so
the channel layer keeps one Redis connection pool instead of opening one per message
(which is what `async_to_sync(group_send)` from a worker does).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import uuid
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)
SEND_TIMEOUT_SECONDS = 5


def project_group(project_id: int) -> str:
    """The Channels group every viewer of a project's pages joins."""
    return f"project-{project_id}"


def user_group(user_id: int) -> str:
    """The Channels group every open socket of one user joins (to close them all at once)."""
    return f"user-{user_id}"


class _Publisher:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="live")
        self.thread.start()

    def send(self, group: str, message: dict[str, Any]) -> None:
        layer = get_channel_layer()
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), self.loop)
        future.result(timeout=SEND_TIMEOUT_SECONDS)


_publisher: _Publisher | None = None
_lock = threading.Lock()


def _get_publisher() -> _Publisher:
    global _publisher
    with _lock:
        # A forked worker child inherits the object but not the thread: start a new one.
        if _publisher is None or _publisher.pid != os.getpid():
            _publisher = _Publisher()
        return _publisher


def send_now(project_id: int, message: dict[str, Any]) -> None:
    """Send an event to a project's group; a live-update failure never fails the caller."""
    _send_to_group(project_group(project_id), message)


def _send_to_group(group: str, message: dict[str, Any]) -> None:
    try:
        _get_publisher().send(group, message)
    except Exception as exc:  # noqa: BLE001 — viewers re-sync on reconnect; never fail the write
        log.warning("live update %s to %s failed: %r", message["type"], group, exc)


def publish_scene_changed(*, project_id: int, episode_id: int, scene_id: int) -> None:
    """After commit, tell the project's viewers that a scene card changed.

    The event's id lets the sockets of one process share what they read for it.
    """
    message = {
        "type": "scene.changed",
        "episode_id": episode_id,
        "scene_id": scene_id,
        "id": uuid.uuid4().hex,
    }
    transaction.on_commit(lambda: send_now(project_id, message))


def publish_board_changed(*, project_id: int, episode_id: int) -> None:
    """After commit, tell the project's viewers that an episode's scene list changed."""
    message = {"type": "board.changed", "episode_id": episode_id, "id": uuid.uuid4().hex}
    transaction.on_commit(lambda: send_now(project_id, message))


def publish_board_reordered(*, project_id: int, episode_id: int, order: list[int]) -> None:
    """After commit, tell the project's viewers an episode's scenes have a new order (only that:
    the same scenes, each card unchanged but for its number)."""
    message = {
        "type": "board.reordered",
        "episode_id": episode_id,
        "order": order,
        "id": uuid.uuid4().hex,
    }
    transaction.on_commit(lambda: send_now(project_id, message))


def close_user_sockets(*, user_id: int, studio_id: int | None = None) -> None:
    """After commit, close the user's open sockets (of one studio, or all of them).

    Called when the user's access changes: logout, removal from a studio, a new role.
    A socket whose user keeps access reconnects and is rendered for the new role.
    """
    message = {"type": "sockets.close", "studio_id": studio_id}
    transaction.on_commit(lambda: _send_to_group(user_group(user_id), message))


def close_sockets_on_logout(sender: object, user: Any = None, **kwargs: object) -> None:
    """Receiver of `user_logged_out` (wired in projects/apps.py): the session's sockets end."""
    if user is not None and user.pk is not None:
        close_user_sockets(user_id=user.pk)


def notifications_group(user_id: int) -> str:
    """The Channels group of one user's notification bells (one per open page)."""
    return f"notifications-{user_id}"


def publish_notification(*, user_id: int) -> None:
    """After commit, tell the user's open pages that their unread notifications changed."""
    message = {"type": "notifications.changed"}
    transaction.on_commit(lambda: _send_to_group(notifications_group(user_id), message))
