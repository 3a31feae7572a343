"""The review room's live channel: decisions, comments and new takes from other users."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

from generation.board.render import card_scenes
from generation.review.room import render_live, render_strip_item, room_scenes
from projects.access import membership_in
from projects.live import project_group
from projects.models import Episode, Membership, Scene


class ReviewRoomConsumer(WebsocketConsumer):
    """Joins the project's group after checking membership; swaps the changed scene's pieces."""

    episode: Episode
    group: str | None = None

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
        self.accept()
        self._send_strip()

    def disconnect(self, code: int) -> None:
        if self.group:
            async_to_sync(self.channel_layer.group_discard)(self.group, self.channel_name)

    def _current_member(self) -> Membership | None:
        # Checked on every event: a member removed from the studio stops receiving at once.
        member = membership_in(self.scope["user"], self.episode.project.studio_id)
        if member is None:
            self.close()
        return member

    def _send_strip(self) -> None:
        # On (re)connect: every filmstrip item as it is now, so none stays stale.
        if self._current_member():
            items = "".join(render_strip_item(s) for s in room_scenes(self.episode))
            self.send(text_data=items or " ")

    def scene_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] != self.episode.pk:
            return
        member = self._current_member()
        scene = card_scenes(
            Scene.objects.filter(pk=event["scene_id"], archived_at__isnull=True, omitted=False)
        ).first()
        if member and scene:
            self.send(text_data=render_live(scene, member))

    def board_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] == self.episode.pk:
            self._send_strip()
