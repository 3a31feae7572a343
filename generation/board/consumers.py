"""The storyboard's live channel: one sync consumer per open storyboard page."""

from __future__ import annotations

from typing import Any

from generation.board.cards import render_cards
from generation.board.render import card_scene, render_grid, render_order, visible_ids
from generation.board.shared import once_per_event
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
        member = self.current_member()  # checked for every socket, every event
        if member is None:
            return
        event_id = event.get("id") or object()  # without an id nothing is shared
        scene = once_per_event((event_id, "scene"), lambda: card_scene(event["scene_id"]))
        if scene is None:
            return
        # Which cast members this viewer may see: asked for every socket (privacy is per user).
        visible = visible_ids({c.pk for c in scene.cast.all()}, member)
        # The same card for the same viewer class: rendered by the first such socket only.
        viewer = (
            member.can_edit_script,
            member.can_generate,
            member.can_review,
            frozenset(visible),
        )
        card = once_per_event(
            (event_id, viewer), lambda: render_cards([scene], member, visible, oob=True)[0]
        )
        self.send(text_data=card)

    def board_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] == self.episode.pk:
            self._send_board()

    def board_reordered(self, event: dict[str, Any]) -> None:
        """The same scenes in a new order: the page moves its cards (storyboard.js)."""
        if event["episode_id"] == self.episode.pk and self.current_member():
            self.send(text_data=render_order(event["order"]))
