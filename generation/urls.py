from django.urls import include, path

from generation import (
    account_views,
    drafting_views,
    project_views,
    spending_views,
    studio_views,
    views,
)
from generation.design.urls import urlpatterns as design_urls
from generation.export.urls import urlpatterns as export_urls
from generation.review import views as review_views

app_name = "generation"
urlpatterns = [
    path("", project_views.home, name="home"),
    path("projects/<int:project_id>/", project_views.project_detail, name="project"),
    path("", include("generation.review.urls")),
    path("", include("generation.sound.urls")),
    path("studios/new/", studio_views.new_studio, name="new_studio"),
    path("studios/<int:studio_id>/settings/", studio_views.studio_settings, name="studio_settings"),
    path("scenes/<int:scene_id>/generate/", views.generate_scene, name="generate_scene"),
    path(
        "episodes/<int:episode_id>/generate-all/", spending_views.generate_all, name="generate_all"
    ),
    path("scenes/<int:scene_id>/review/", review_views.scene_review, name="scene_review"),
    path("scenes/<int:scene_id>/prompt/", views.prompt_preview, name="prompt_preview"),
    path("takes/<int:take_id>/review/", review_views.review_take, name="review_take"),
    path("takes/<int:take_id>/cancel/", views.cancel, name="cancel_take"),
    path("takes/<int:take_id>/resubmit/", views.resubmit, name="resubmit_take"),
    path("takes/<int:take_id>/fallback/", views.fallback, name="fallback_take"),
    path("takes/<int:take_id>/remix/", views.remix, name="remix_take"),
    path("studios/<int:studio_id>/providers/", account_views.providers, name="providers"),
    path(
        "providers/<int:credential_id>/remove/",
        account_views.remove_provider,
        name="remove_provider",
    ),
    path("studios/<int:studio_id>/prices/", spending_views.prices, name="prices"),
    path(
        "studios/<int:studio_id>/script-assistant/",
        drafting_views.script_assistant,
        name="script_assistant",
    ),
    path("episodes/<int:episode_id>/draft/", drafting_views.draft_scenes, name="draft_scenes"),
    path("studios/<int:studio_id>/costs/", account_views.costs, name="costs"),
    path("studios/<int:studio_id>/characters/", account_views.characters, name="characters"),
    path(
        "projects/<int:project_id>/generation-settings/",
        account_views.generation_settings,
        name="generation_settings",
    ),
    path("studios/<int:studio_id>/projects/new/", project_views.new_project, name="new_project"),
    path(
        "projects/<int:project_id>/settings/",
        project_views.project_settings,
        name="project_settings",
    ),
    path(
        "webhooks/openai/<int:credential_id>/", account_views.openai_webhook, name="openai_webhook"
    ),
    path("takes/<int:take_id>/video.mp4", views.take_video, name="take_video"),
    path("takes/<int:take_id>/thumbnail.jpg", views.take_thumbnail, name="take_thumbnail"),
    *export_urls,
    *design_urls,
]
