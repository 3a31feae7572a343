from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path(
        "episodes/<int:episode_id>/script/versions/",
        views.latest_script_version,
        name="latest_script_version",
    ),
    path(
        "episodes/<int:episode_id>/script/versions/<int:number>/",
        views.script_version,
        name="script_version",
    ),
]
