"""The review room's live channel: decisions, comments and new takes from other users."""

from __future__ import annotations

from typing import Any

from generation.board.render import card_scenes
from generation.board.sockets import EpisodeSocket
from generation.review.room import render_live, render_strip_item, room_scenes
from projects.models import Scene


class ReviewRoomConsumer(EpisodeSocket):
    """Swaps the changed scene's pieces of the review room (filmstrip, log, comments)."""

    def send_snapshot(self) -> None:
        self._send_strip()

    def _send_strip(self) -> None:
        # On (re)connect: every filmstrip item as it is now, so none stays stale.
        if self.current_member():
            items = "".join(render_strip_item(s) for s in room_scenes(self.episode))
            self.send(text_data=items or " ")

    def scene_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] != self.episode.pk:
            return
        member = self.current_member(event)
        scene = card_scenes(
            Scene.objects.filter(pk=event["scene_id"], archived_at__isnull=True, omitted=False)
        ).first()
        if member and scene:
            self.send(text_data=render_live(scene, member))

    def board_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] == self.episode.pk:
            self._send_strip()
