from django.urls import path

from generation import views

app_name = "generation"
urlpatterns = [
    path("scenes/<int:scene_id>/generate/", views.generate_scene, name="generate_scene"),
    path("episodes/<int:episode_id>/generate-all/", views.generate_all, name="generate_all"),
    path("scenes/<int:scene_id>/review/", views.scene_review, name="scene_review"),
    path("takes/<int:take_id>/review/", views.review_take, name="review_take"),
    path("takes/<int:take_id>/video.mp4", views.take_video, name="take_video"),
    path("takes/<int:take_id>/thumbnail.jpg", views.take_thumbnail, name="take_thumbnail"),
]
