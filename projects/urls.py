from django.urls import path

from projects import account_views, episode_views, member_views, studio_views, views

app_name = "projects"
urlpatterns = [
    path("signup/", account_views.signup, name="signup"),
    path("account/", account_views.account, name="account"),
    path("studios/switch/", studio_views.switch_studio, name="switch_studio"),
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
    path(
        "projects/<int:project_id>/archive/", episode_views.archive_project, name="archive_project"
    ),
    path("projects/<int:project_id>/episodes/new/", episode_views.new_episode, name="new_episode"),
    path("episodes/<int:episode_id>/edit/", episode_views.edit_episode, name="edit_episode"),
    path("episodes/<int:episode_id>/move/", episode_views.move_episode_view, name="move_episode"),
    path(
        "episodes/<int:episode_id>/archive/", episode_views.archive_episode, name="archive_episode"
    ),
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
