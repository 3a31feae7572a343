"""Creating a studio and its settings: here because the settings offer the video providers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from characters.requests import AuthenticatedHttpRequest
from generation.providers import provider_names
from projects.access import get_studio_for_user, require
from projects.membership import MembershipRefused, create_studio, update_studio
from projects.studio_views import CURRENT_STUDIO_KEY
from projects.team_forms import StudioForm


@login_required
@require_http_methods(["GET", "POST"])
def new_studio(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StudioForm(request.POST or None, provider_choices=provider_names())
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
    require(member.can_manage_studio, member)
    form = StudioForm(request.POST or None, instance=studio, provider_choices=provider_names())
    if request.method == "POST" and form.is_valid():
        try:
            update_studio(studio=studio, actor=request.user, values=form.cleaned_data)
        except MembershipRefused as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, "Studio settings saved.")
            return redirect("generation:studio_settings", studio.pk)
    studio.refresh_from_db()  # an invalid form must not rename the studio on the page
    context = {"studio": studio, "member": member, "form": form}
    return render(request, "projects/studio_settings.html", context)
