"""Reference media, only to users who may see the character (404 otherwise)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from characters.access import get_character_for_user, get_reference_for_user
from characters.protected_media import serve_file
from characters.requests import AuthenticatedHttpRequest


@login_required
@require_safe
def reference_image(request: AuthenticatedHttpRequest, reference_id: int) -> HttpResponseBase:
    reference = get_reference_for_user(request.user, reference_id)
    return serve_file(request, reference.image, content_type=reference.content_type)


@login_required
@require_safe
def reference_thumbnail(request: AuthenticatedHttpRequest, reference_id: int) -> HttpResponseBase:
    reference = get_reference_for_user(request.user, reference_id)
    if not reference.thumbnail:  # the task has not run yet: the checked image itself
        return serve_file(request, reference.image, content_type=reference.content_type)
    return serve_file(request, reference.thumbnail, content_type="image/jpeg")


@login_required
@require_safe
def reference_clip(request: AuthenticatedHttpRequest, handle: str) -> HttpResponseBase:
    character = get_character_for_user(request.user, handle)
    return serve_file(request, character.reference_clip, content_type="video/mp4")
