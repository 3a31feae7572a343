from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("episodes/<int:episode_id>/", views.storyboard, name="storyboard"),
    path("episodes/<int:episode_id>/script/", views.edit_script, name="edit_script"),
]
