from django.urls import path

from generation.review.consumers import ReviewRoomConsumer

websocket_urlpatterns = [
    path("ws/episodes/<int:episode_id>/review/", ReviewRoomConsumer.as_asgi()),
]
