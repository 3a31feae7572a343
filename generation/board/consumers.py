"""The storyboard's live channel: one sync consumer per open storyboard page."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

from generation.board.render import card_scene, render_card, render_grid
from projects.access import membership_in
from projects.live import project_group, user_group
from projects.models import Episode, Membership

# Close code sent when the user's access changed (4000–4999 are the application's own).
ACCESS_CHANGED = 4001


class StoryboardConsumer(WebsocketConsumer):
    """Joins the project's group after checking membership; pushes cards as htmx OOB swaps."""

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
        async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
        # The user's own group: logout, removal and role changes close this socket.
        self.personal_group = user_group(user.pk)
        async_to_sync(self.channel_layer.group_add)(self.personal_group, self.channel_name)
        self.accept()
        self._send_board()

    def disconnect(self, code: int) -> None:
        for group in (self.group, self.personal_group):
            if group:
                async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def sockets_close(self, event: dict[str, Any]) -> None:
        """The user's access changed (projects/live.py close_user_sockets): end this socket."""
        studio_id = event.get("studio_id")
        if studio_id is None or studio_id == self.episode.project.studio_id:
            self.close(code=ACCESS_CHANGED)

    def _current_member(self) -> Membership | None:
        # Checked on every event: a member removed from the studio stops receiving at once.
        member = membership_in(self.scope["user"], self.episode.project.studio_id)
        if member is None:
            self.close()
        return member

    def _send_board(self) -> None:
        if member := self._current_member():
            self.send(text_data=render_grid(self.episode, member, oob=True))

    def scene_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] != self.episode.pk:
            return
        member = self._current_member()
        scene = card_scene(event["scene_id"])
        if member and scene:
            self.send(text_data=render_card(scene, member, oob=True))

    def board_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] == self.episode.pk:
            self._send_board()
