"""The studio-wide "My reviews" page of a reviewer or owner."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.review.queue import waiting_scenes
from projects.access import get_studio_for_user, require


@login_required
@require_safe
def my_reviews(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    """Scenes of the studio waiting for review, by project and episode (reviewers, owners)."""
    studio, member = get_studio_for_user(request.user, studio_id)
    require(member.can_review, member, "Only reviewers and owners have a review queue.")
    groups = waiting_scenes(studio=studio, user=request.user)
    count = sum(len(g["scenes"]) for g in groups)
    context = {"studio": studio, "member": member, "groups": groups, "count": count}
    return render(request, "generation/review/my_reviews.html", context)
