from django.urls import path

from generation.review.bell_socket import BellConsumer
from generation.review.consumers import ReviewRoomConsumer

websocket_urlpatterns = [
    path("ws/episodes/<int:episode_id>/review/", ReviewRoomConsumer.as_asgi()),
    path("ws/notifications/", BellConsumer.as_asgi()),
]
