"""The storyboard's live channel: one sync consumer per open storyboard page."""

from __future__ import annotations

from typing import Any

from generation.board.render import card_scene, render_card, render_grid, render_order
from generation.board.sockets import EpisodeSocket


class StoryboardConsumer(EpisodeSocket):
    """Pushes the storyboard's cards as htmx OOB swaps."""

    def send_snapshot(self) -> None:
        self._send_board()

    def _send_board(self) -> None:
        if member := self.current_member():
            self.send(text_data=render_grid(self.episode, member, oob=True))

    def scene_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] != self.episode.pk:
            return
        member = self.current_member()
        scene = card_scene(event["scene_id"])
        if member and scene:
            self.send(text_data=render_card(scene, member, oob=True))

    def board_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] == self.episode.pk:
            self._send_board()

    def board_reordered(self, event: dict[str, Any]) -> None:
        """The same scenes in a new order: the page moves its cards (storyboard.js)."""
        if event["episode_id"] == self.episode.pk and self.current_member():
            self.send(text_data=render_order(event["order"]))
