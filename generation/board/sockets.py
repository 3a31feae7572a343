"""What every live socket of an episode does: who may open it, and when it must end."""

from __future__ import annotations

import copy
import threading
import time
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer
from django.conf import settings
from django.db import connection

from generation.board.shared import once_per_event
from projects.access import as_archived
from projects.live import project_group, user_group
from projects.models import Episode, Membership, Project, members_seeing

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Close code sent when the user's access changed (4000–4999 are the application's own).
ACCESS_CHANGED = 4001
# Channels closes the consumers' database connection after every message (Django's
# CONN_MAX_AGE 0): the consumers' one thread keeps it this long after its last use instead.

# This process's open sockets, by project: channel name → the socket's user.
_watching: dict[int, dict[str, User]] = {}
_watching_lock = threading.Lock()


def _watch(project_id: int, channel: str, user: User | None) -> None:
    with _watching_lock:
        sockets = _watching.setdefault(project_id, {})
        if user is not None:
            sockets[channel] = user
        else:
            sockets.pop(channel, None)
            if not sockets:
                del _watching[project_id]


def watchers(project_id: int) -> dict[int, User]:
    """The users of this process's open sockets on a project, by id."""
    with _watching_lock:
        return {user.pk: user for user in _watching.get(project_id, {}).values()}


def keep_connection() -> None:
    """Keep this thread's open database connection past Channels' close after the message.

    Django still closes it when it breaks (health checks) or after the kept time unused
    (COMICSTUDIO_KEPT_CONNECTION_SECONDS, as the page threads'; 0: closed after each message).
    """
    if connection.connection is not None and settings.COMICSTUDIO_KEPT_CONNECTION_SECONDS:
        connection.close_at = time.monotonic() + settings.COMICSTUDIO_KEPT_CONNECTION_SECONDS


type Members = tuple[frozenset[int], dict[int, Membership]]


def _members(project_id: int, user_ids: set[int]) -> Members:
    """Who of these users may see the project now, with their memberships (one query), each
    read-only while the project is archived (as on its pages)."""
    archived = Project.objects.filter(pk=project_id, archived_at__isnull=False).exists()
    found = {m.user_id: as_archived(m, archived) for m in members_seeing(project_id, user_ids)}
    keep_connection()
    return frozenset(user_ids), found


class EpisodeSocket(WebsocketConsumer):
    """Opens for members who may see the episode, joins the project's and the user's groups.

    The user's own group is how logout, removal, a new role or a new project team end the
    socket (projects/live.py `close_user_sockets`). Subclasses send their snapshot.
    """

    episode: Episode
    group: str | None = None
    personal_group: str | None = None

    def connect(self) -> None:
        user = self.scope["user"]
        episode_id = int(self.scope["url_route"]["kwargs"]["episode_id"])
        episode = (
            Episode.objects.for_user(user).select_related("project").filter(pk=episode_id).first()
        )
        if episode is None:
            self.close()  # before accept: the handshake is refused with 403
            return
        self.episode = episode
        self.group = project_group(episode.project_id)
        self.personal_group = user_group(user.pk)
        for group in (self.group, self.personal_group):
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        _watch(episode.project_id, self.channel_name, user)
        self.accept()
        self.send_snapshot()

    def disconnect(self, code: int) -> None:
        if self.group:
            _watch(self.episode.project_id, self.channel_name, None)
        for group in (self.group, self.personal_group):
            if group:
                async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def sockets_close(self, event: dict[str, Any]) -> None:
        """The user's access changed: end this socket (a reconnect is checked afresh)."""
        studio_id = event.get("studio_id")
        if studio_id is None or studio_id == self.episode.project.studio_id:
            self.close(code=ACCESS_CHANGED)

    def current_member(self, event: dict[str, Any] | None = None) -> Membership | None:
        """Checked on every event: a member removed from the studio or the project's team
        stops receiving at once (the socket closes).

        For an event with an id, the first socket of the process asks the database once for
        the users of all the process's sockets on the project (`members_seeing`); the others
        take their answer from that. A socket opened since is asked about on its own.
        """
        user = self.scope["user"]
        project_id = self.episode.project_id
        event_id = event.get("id") if event else None
        asked: frozenset[int] = frozenset()
        if event_id is not None:
            asked, found = once_per_event(
                (event_id, "members", project_id),
                lambda: _members(project_id, set(watchers(project_id)) | {user.pk}),
            )
        if user.pk not in asked:
            asked, found = _members(project_id, {user.pk})
        membership = found.get(user.pk)
        if membership is None:
            self.close()
            return None
        membership = copy.copy(membership)  # shared by the process's sockets: this one's own
        membership.user = user  # already loaded: renders ask member.user
        return membership

    def send_snapshot(self) -> None:
        raise NotImplementedError

    def board_changed(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    def board_reordered(self, event: dict[str, Any]) -> None:
        """The same scenes in a new order: by default, handled as any change of the board."""
        self.board_changed(event)
