from django.urls import path

from projects import episode_views, storyboard_views, views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path(
        "projects/<int:project_id>/archive/", episode_views.archive_project, name="archive_project"
    ),
    path("projects/<int:project_id>/episodes/new/", episode_views.new_episode, name="new_episode"),
    path("episodes/<int:episode_id>/", views.storyboard, name="storyboard"),
    path("episodes/<int:episode_id>/edit/", episode_views.edit_episode, name="edit_episode"),
    path("episodes/<int:episode_id>/move/", episode_views.move_episode_view, name="move_episode"),
    path(
        "episodes/<int:episode_id>/archive/", episode_views.archive_episode, name="archive_episode"
    ),
    path("episodes/<int:episode_id>/script/", views.edit_script, name="edit_script"),
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
    path("episodes/<int:episode_id>/scenes/add/", storyboard_views.add_scene, name="add_scene"),
    path(
        "episodes/<int:episode_id>/scenes/reorder/",
        storyboard_views.reorder_scenes,
        name="reorder_scenes",
    ),
    path("episodes/<int:episode_id>/scenes/batch/", storyboard_views.batch_edit, name="batch_edit"),
    path("scenes/<int:scene_id>/card/", storyboard_views.scene_card, name="scene_card"),
    path("scenes/<int:scene_id>/edit/", storyboard_views.edit_scene, name="edit_scene"),
    path("scenes/<int:scene_id>/move/", storyboard_views.move_scene, name="move_scene"),
    path("scenes/<int:scene_id>/split/", storyboard_views.split_scene, name="split_scene"),
    path("scenes/<int:scene_id>/merge/", storyboard_views.merge_scene, name="merge_scene"),
    path(
        "scenes/<int:scene_id>/duplicate/", storyboard_views.duplicate_scene, name="duplicate_scene"
    ),
    path("scenes/<int:scene_id>/omit/", storyboard_views.omit_scene, name="omit_scene"),
]
