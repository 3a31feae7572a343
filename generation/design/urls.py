"""Design with AI and its settings (under the `generation:` namespace)."""

from django.urls import path

from generation.design import settings_views, views

PREFIX = "studios/<int:studio_id>/characters/<str:handle>/design/"
urlpatterns = [
    path("characters/<str:handle>/design/", views.design_start, name="design_start"),
    path(PREFIX, views.design, name="design"),
    path(PREFIX + "candidates/", views.design_candidates, name="design_candidates"),
    path(PREFIX + "pick/", views.design_pick, name="design_pick"),
    path(PREFIX + "discard/", views.design_discard, name="design_discard"),
    path(
        PREFIX + "candidates/<int:candidate_id>.png",
        views.design_candidate_image,
        name="design_candidate_image",
    ),
    path(PREFIX + "clip/", views.design_clip, name="design_clip"),
    path(PREFIX + "clip/use/", views.design_clip_use, name="design_clip_use"),
    path(PREFIX + "clips/<int:clip_id>.mp4", views.design_clip_video, name="design_clip_video"),
    path(
        "studios/<int:studio_id>/character-design/",
        settings_views.design_settings,
        name="design_settings",
    ),
]
