"""The storyboard's live channel: one sync consumer per open storyboard page."""

from __future__ import annotations

from typing import Any

from generation.board.cards import render_cards
from generation.board.render import (
    card_scene,
    render_grid,
    render_order,
    visible_ids,
    visible_ids_each,
)
from generation.board.shared import once_per_event
from generation.board.sockets import EpisodeSocket, keep_connection, watchers
from projects.models import Membership


class StoryboardConsumer(EpisodeSocket):
    """Pushes the storyboard's cards as htmx OOB swaps."""

    def send_snapshot(self) -> None:
        self._send_board()

    def _send_board(self, event: dict[str, Any] | None = None) -> None:
        if member := self.current_member(event):
            self.send(text_data=render_grid(self.episode, member, oob=True))

    def scene_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] != self.episode.pk:
            return
        member = self.current_member(event)  # one query per process and event, for all sockets
        if member is None:
            return
        event_id = event.get("id") or object()  # without an id nothing is shared
        scene = once_per_event((event_id, "scene"), lambda: card_scene(event["scene_id"]))
        if scene is None:
            return
        visible = self._visible_cast(event_id, frozenset(c.pk for c in scene.cast.all()), member)
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

    def _visible_cast(self, event_id: object, ids: frozenset[int], member: Membership) -> set[int]:
        """Which of the scene's cast this viewer may see (privacy is per user).

        Asked once per process and event for the users of all its sockets on the project; a
        socket opened since is asked about on its own.
        """
        if not ids:
            return set()
        project_id = self.episode.project_id
        user = self.scope["user"]

        def ask() -> dict[int, set[int]]:
            seen = visible_ids_each({**watchers(project_id), user.pk: user}.values(), ids)
            keep_connection()
            return seen

        seen = once_per_event((event_id, "cast", project_id, ids), ask)
        if user.pk in seen:
            return seen[user.pk]
        return visible_ids(set(ids), member)

    def board_changed(self, event: dict[str, Any]) -> None:
        if event["episode_id"] == self.episode.pk:
            self._send_board(event)

    def board_reordered(self, event: dict[str, Any]) -> None:
        """The same scenes in a new order: the page moves its cards (storyboard.js)."""
        if event["episode_id"] == self.episode.pk and self.current_member(event):
            self.send(text_data=render_order(event["order"]))
