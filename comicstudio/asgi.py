"""ASGI entry point: HTTP through Django (comicstudio/serving.py), WebSockets through Channels."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")
django_asgi_app = get_asgi_application()

from comicstudio.body_limit import BodyLimit  # noqa: E402
from comicstudio.checks import refuse_to_start_when_misconfigured  # noqa: E402
from comicstudio.serving import PagesOnThreads  # noqa: E402

refuse_to_start_when_misconfigured()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import WebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import re_path  # noqa: E402

from generation.board.routing import websocket_urlpatterns  # noqa: E402
from generation.review.routing import websocket_urlpatterns as review_sockets  # noqa: E402


class UnknownSocket(WebsocketConsumer):
    """Any socket path no route knows: refused at the handshake (URLRouter would raise)."""

    def connect(self) -> None:
        self.close()


websocket_routes = [*websocket_urlpatterns, *review_sockets, re_path(r"", UnknownSocket.as_asgi())]

application = ProtocolTypeRouter(
    {
        # Pages on a fixed pool of threads, streams (files, events) on Django's async path.
        "http": BodyLimit(
            PagesOnThreads(django_asgi_app, threads=settings.COMICSTUDIO_PAGE_THREADS)
        ),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_routes))),
    }
)
