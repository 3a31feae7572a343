from django.urls import path

from generation.board.consumers import StoryboardConsumer

websocket_urlpatterns = [
    path("ws/episodes/<int:episode_id>/", StoryboardConsumer.as_asgi()),
]
