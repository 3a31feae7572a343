"""The notification bell's live channel: every open page of a user gets its new count."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer
from django.template.loader import render_to_string

from generation.review.notifications import unread_count
from projects.live import notifications_group, user_group

BELL = "generation/review/bell.html"


class BellConsumer(WebsocketConsumer):
    """Joins the user's notification group (and their own group, so logout ends it).

    Sends the bell on (re)connect, so a count missed while disconnected is caught up,
    and again whenever a notification for the user is created or read.
    """

    groups_joined: tuple[str, ...] = ()

    def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            self.close()  # before accept: the handshake is refused
            return
        self.groups_joined = (notifications_group(user.pk), user_group(user.pk))
        for group in self.groups_joined:
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        self.accept()
        self._send_bell()

    def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def notifications_changed(self, event: dict[str, Any]) -> None:
        self._send_bell()

    def sockets_close(self, event: dict[str, Any]) -> None:
        """Logout or a change of access: the bell's socket ends too (a reconnect is checked)."""
        self.close()

    def _send_bell(self) -> None:
        count = unread_count(self.scope["user"])
        self.send(text_data=render_to_string(BELL, {"unread_notifications": count}))
