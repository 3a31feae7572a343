"""The storyboard board: the page, its cards and the edits made on it."""

from django.urls import path

from generation.board import edit_views, script_views, views

app_name = "board"
urlpatterns = [
    path("episodes/<int:episode_id>/", views.storyboard, name="storyboard"),
    path("episodes/<int:episode_id>/cards/", views.scene_cards, name="scene_cards"),
    path("episodes/<int:episode_id>/script/", script_views.edit_script, name="edit_script"),
    path("episodes/<int:episode_id>/scenes/add/", edit_views.add_scene, name="add_scene"),
    path(
        "episodes/<int:episode_id>/scenes/reorder/",
        edit_views.reorder_scenes,
        name="reorder_scenes",
    ),
    path("episodes/<int:episode_id>/scenes/batch/", edit_views.batch_edit, name="batch_edit"),
    path("scenes/<int:scene_id>/card/", edit_views.scene_card, name="scene_card"),
    path("scenes/<int:scene_id>/edit/", edit_views.edit_scene, name="edit_scene"),
    path("scenes/<int:scene_id>/move/", edit_views.move_scene, name="move_scene"),
    path("scenes/<int:scene_id>/split/", edit_views.split_scene, name="split_scene"),
    path("scenes/<int:scene_id>/merge/", edit_views.merge_scene, name="merge_scene"),
    path("scenes/<int:scene_id>/duplicate/", edit_views.duplicate_scene, name="duplicate_scene"),
    path("scenes/<int:scene_id>/omit/", edit_views.omit_scene, name="omit_scene"),
]
