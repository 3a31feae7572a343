from django.urls import path

from generation.export import translation_views, views

urlpatterns = [
    path("episodes/<int:episode_id>/exports/", views.episode_exports, name="episode_exports"),
    path("episodes/<int:episode_id>/exports/start/", views.start, name="start_export"),
    path(
        "episodes/<int:episode_id>/exports/font/", views.subtitle_font, name="subtitle_font"
    ),  # fmt: skip
    path("exports/<int:export_id>/", views.export_detail, name="export_detail"),
    path("episodes/<int:episode_id>/exports/badge/", views.export_badge, name="export_badge"),
    path("exports/<int:export_id>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:export_id>/cancel/", views.cancel, name="cancel_export"),
    path("exports/<int:export_id>/files/<str:field>", views.export_file, name="export_file"),
    path(
        "episodes/<int:episode_id>/translations/",
        translation_views.translations,
        name="translations",
    ),  # fmt: skip
    path(
        "episodes/<int:episode_id>/translations/<str:language>/",
        translation_views.translation,
        name="translation",
    ),  # fmt: skip
    path(
        "exports/<int:export_id>/subtitles/<str:language>/<str:suffix>",
        views.export_subtitles,
        name="export_subtitles",
    ),  # fmt: skip
]
