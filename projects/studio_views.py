"""Studio pages: create a studio, its settings, the switcher, its activity log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_studio_for_user, require
from projects.membership import MembershipRefused, create_studio, update_studio
from projects.team_forms import StudioForm
from projects.team_models import Activity

CURRENT_STUDIO_KEY = "current_studio_id"  # read by projects/context_processors.py


@login_required
@require_http_methods(["GET", "POST"])
def new_studio(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StudioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            studio = create_studio(user=request.user, **form.cleaned_data)
        except MembershipRefused as refusal:
            form.add_error("name", str(refusal))
        else:
            request.session[CURRENT_STUDIO_KEY] = studio.pk
            messages.success(request, f"{studio.name} is ready. Invite your team next.")
            return redirect("projects:members", studio.pk)
    return render(request, "projects/studio_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def studio_settings(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = get_studio_for_user(request.user, studio_id)
    require(member.can_manage_studio)
    form = StudioForm(request.POST or None, instance=studio)
    if request.method == "POST" and form.is_valid():
        try:
            update_studio(studio=studio, actor=request.user, values=form.cleaned_data)
        except MembershipRefused as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, "Studio settings saved.")
            return redirect("projects:studio_settings", studio.pk)
    studio.refresh_from_db()  # an invalid form must not rename the studio on the page
    context = {"studio": studio, "member": member, "form": form}
    return render(request, "projects/studio_settings.html", context)


@login_required
@require_POST
def switch_studio(request: AuthenticatedHttpRequest) -> HttpResponse:
    studio_id = request.POST.get("studio", "")
    valid = studio_id.isdigit() and len(studio_id) < 12  # beyond a 64-bit id: no such studio
    studio, _ = get_studio_for_user(request.user, int(studio_id) if valid else 0)
    request.session[CURRENT_STUDIO_KEY] = studio.pk
    return redirect("projects:home")


@login_required
@require_safe
def activity(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = get_studio_for_user(request.user, studio_id)
    require(member.can_manage_studio)
    entries = Activity.objects.filter(studio=studio).select_related("actor")[:200]
    context = {"studio": studio, "member": member, "entries": entries}
    return render(request, "projects/activity.html", context)
