from django.contrib import admin
from django.urls import include, path

from generation.api.app import api

urlpatterns = [
    # Django's own auth views: login, logout, password change and reset (templates/registration/).
    path("", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("generation.api.urls")),
    path("", include("characters.urls")),
    path("", include("generation.urls")),
    path("", include("generation.board.urls")),
    path("", include("projects.urls")),
]

handler404 = "comicstudio.not_found.page_not_found"
