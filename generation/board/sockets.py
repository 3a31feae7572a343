"""What every live socket of an episode does: who may open it, and when it must end."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

from projects.access import membership_in
from projects.live import project_group, user_group
from projects.models import Episode, Membership

# Close code sent when the user's access changed (4000–4999 are the application's own).
ACCESS_CHANGED = 4001


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
        self.accept()
        self.send_snapshot()

    def disconnect(self, code: int) -> None:
        for group in (self.group, self.personal_group):
            if group:
                async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def sockets_close(self, event: dict[str, Any]) -> None:
        """The user's access changed: end this socket (a reconnect is checked afresh)."""
        studio_id = event.get("studio_id")
        if studio_id is None or studio_id == self.episode.project.studio_id:
            self.close(code=ACCESS_CHANGED)

    def current_member(self) -> Membership | None:
        """Checked on every event: a member removed from the studio stops receiving at once."""
        member = membership_in(self.scope["user"], self.episode.project.studio_id)
        if member is None:
            self.close()
        return member

    def send_snapshot(self) -> None:
        raise NotImplementedError

    def board_changed(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    def board_reordered(self, event: dict[str, Any]) -> None:
        """The same scenes in a new order: by default, handled as any change of the board."""
        self.board_changed(event)
