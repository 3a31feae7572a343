from django.urls import path

from characters.views import editing, library, media, people

app_name = "characters"
urlpatterns = [
    path("characters/", library.library, name="library"),
    path("characters/new/", editing.create, name="create"),
    path("characters/preview/", editing.preview, name="preview"),
    path("characters/autocomplete/", library.autocomplete, name="autocomplete"),
    path(
        "characters/references/<int:reference_id>/image",
        media.reference_image,
        name="reference_image",
    ),
    path(
        "characters/references/<int:reference_id>/thumbnail.jpg",
        media.reference_thumbnail,
        name="reference_thumbnail",
    ),
    path("characters/<str:handle>/", library.detail, name="detail"),
    path("characters/<str:handle>/edit/", editing.edit, name="edit"),
    path("characters/<str:handle>/references/", editing.upload_reference, name="upload_reference"),
    path(
        "characters/<str:handle>/references/<int:reference_id>/delete/",
        editing.delete_reference,
        name="delete_reference",
    ),
    path("characters/<str:handle>/looks/", editing.create_look, name="create_look"),
    path(
        "characters/<str:handle>/looks/<int:look_id>/delete/",
        editing.delete_look,
        name="delete_look",
    ),
    path("characters/<str:handle>/clip/", editing.upload_clip, name="upload_clip"),
    path("characters/<str:handle>/clip.mp4", media.reference_clip, name="reference_clip"),
    path("characters/<str:handle>/privacy/", editing.set_privacy, name="set_privacy"),
    path("characters/<str:handle>/approvals/", editing.add_approval, name="add_approval"),
    path(
        "characters/<str:handle>/approvals/remove/",
        editing.remove_approval,
        name="remove_approval",
    ),
    path("people/<str:username>/", people.profile, name="profile"),
    path("people/<str:username>/follow/", people.toggle_follow, name="follow"),
]
