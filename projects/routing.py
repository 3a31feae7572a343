from django.urls import path

from projects.consumers import StoryboardConsumer

websocket_urlpatterns = [
    path("ws/episodes/<int:episode_id>/", StoryboardConsumer.as_asgi()),
]
