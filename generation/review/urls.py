"""Routes of the review room; included in the generation namespace."""

from django.urls import path

from generation.review import activity_views, notification_views, queue_views, room_views

urlpatterns = [
    path("episodes/<int:episode_id>/review/", room_views.room, name="review_room"),
    path(
        "episodes/<int:episode_id>/review/scenes/<int:scene_id>/",
        room_views.room_scene,
        name="review_room_scene",
    ),
    path("episodes/<int:episode_id>/review/batch/", room_views.batch, name="review_batch"),
    path(
        "episodes/<int:episode_id>/review/request/",
        room_views.ask_for_review,
        name="request_review",
    ),
    path(
        "episodes/<int:episode_id>/review/dashboard/",
        room_views.dashboard,
        name="review_dashboard",
    ),
    path(
        "episodes/<int:episode_id>/review/dashboard.csv",
        room_views.dashboard_csv,
        name="review_dashboard_csv",
    ),
    path("takes/<int:take_id>/decide/", room_views.decide, name="decide_take"),
    path("takes/<int:take_id>/comments/", room_views.comment, name="comment_take"),
    path("takes/<int:take_id>/retake/", room_views.retake, name="retake"),
    path("takes/<int:take_id>/allow-retake/", room_views.allow_more, name="allow_retake"),
    path("comments/<int:comment_id>/resolve/", room_views.resolve, name="resolve_comment"),
    path(
        "projects/<int:project_id>/activity/",
        activity_views.project_activity_page,
        name="project_activity",
    ),
    path("studios/<int:studio_id>/reviews/", queue_views.my_reviews, name="my_reviews"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/bell/", notification_views.bell, name="bell"),
    path("notifications/read/", notification_views.read_all, name="read_notifications"),
    path(
        "notifications/settings/",
        notification_views.mute_settings,
        name="notification_settings",
    ),
]
