from django.urls import path

from projects import account_views, member_views, storyboard_views, studio_views, views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", account_views.signup, name="signup"),
    path("account/", account_views.account, name="account"),
    path("studios/new/", studio_views.new_studio, name="new_studio"),
    path("studios/switch/", studio_views.switch_studio, name="switch_studio"),
    path("studios/<int:studio_id>/settings/", studio_views.studio_settings, name="studio_settings"),
    path("studios/<int:studio_id>/activity/", studio_views.activity, name="activity"),
    path("studios/<int:studio_id>/members/", member_views.members, name="members"),
    path(
        "studios/<int:studio_id>/members/<int:membership_id>/role/",
        member_views.set_role,
        name="set_role",
    ),
    path(
        "studios/<int:studio_id>/members/<int:membership_id>/remove/",
        member_views.remove,
        name="remove_member",
    ),
    path(
        "studios/<int:studio_id>/invitations/<int:invitation_id>/revoke/",
        member_views.revoke,
        name="revoke_invitation",
    ),
    path("invitations/<str:token>/", member_views.invitation, name="invitation"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("episodes/<int:episode_id>/", views.storyboard, name="storyboard"),
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
