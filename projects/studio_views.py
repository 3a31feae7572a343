"""Studio pages: create a studio, its settings, the switcher, its activity log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_studio_for_user, require
from projects.team_models import Activity

CURRENT_STUDIO_KEY = "current_studio_id"  # read by projects/context_processors.py


@login_required
@require_POST
def switch_studio(request: AuthenticatedHttpRequest) -> HttpResponse:
    studio_id = request.POST.get("studio", "")
    valid = studio_id.isdigit() and len(studio_id) < 12  # beyond a 64-bit id: no such studio
    studio, _ = get_studio_for_user(request.user, int(studio_id) if valid else 0)
    request.session[CURRENT_STUDIO_KEY] = studio.pk
    return redirect("generation:home")


@login_required
@require_safe
def activity(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = get_studio_for_user(request.user, studio_id)
    require(member.can_manage_studio, member)
    entries = Activity.objects.filter(studio=studio).select_related("actor")[:200]
    context = {"studio": studio, "member": member, "entries": entries}
    return render(request, "projects/activity.html", context)
