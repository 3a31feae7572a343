"""The project's activity page: decisions, comments, generations and cancellations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.review.activity import LIMIT, project_activity
from projects.access import get_project_for_user


@login_required
@require_safe
def project_activity_page(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """Every member of the project reads it (they see the same decisions in the rooms)."""
    project, member = get_project_for_user(request.user, project_id)
    entries = project_activity(project)
    context = {"project": project, "member": member, "entries": entries, "limit": LIMIT}
    return render(request, "generation/review/activity.html", context)
