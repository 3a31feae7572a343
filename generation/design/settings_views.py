"""The studio's character design and continuity settings (owners only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from characters.requests import AuthenticatedHttpRequest
from generation.continuity.models import ContinuitySettings
from generation.design.forms import ContinuitySettingsForm, DesignSettingsForm
from generation.design.models import DesignSettings
from generation.design.services import DesignRefused
from generation.design.setup import save_continuity_settings, save_design_settings
from generation.drafting import ScriptAssistant
from generation.money.design import design_budget
from projects.access import membership_in, require
from projects.models import Project, Role


def _initial(found: DesignSettings | None) -> dict[str, object]:
    if found is None:
        return {}
    fields = ("image_provider", "base_url", "model", "budget", "judge_enabled", "judge_model")
    return {f: getattr(found, f) for f in fields}


@login_required
def design_settings(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    member = membership_in(request.user, studio_id)
    if member is None:
        raise Http404
    require(member.role == Role.OWNER, member)
    found = DesignSettings.objects.filter(studio_id=studio_id).first()
    projects = Project.objects.filter(studio_id=studio_id, archived_at__isnull=True)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "design")
    form = DesignSettingsForm(posted if which == "design" else None, initial=_initial(found))
    continuity = ContinuitySettingsForm(
        posted if which == "continuity" else None, projects=projects
    )
    if posted is not None and which == "design" and form.is_valid():
        try:
            save_design_settings(studio_id=studio_id, **form.cleaned_data)
        except DesignRefused as exc:
            form.add_error("api_key", str(exc))
        else:
            messages.success(request, "Character design settings saved.")
            return redirect("generation:design_settings", studio_id=studio_id)
    if posted is not None and which == "continuity" and continuity.is_valid():
        save_continuity_settings(**continuity.cleaned_data)
        messages.success(request, "Continuity settings saved.")
        return redirect("generation:design_settings", studio_id=studio_id)
    context = {
        "studio": member.studio,
        "found": found,
        "form": form,
        "continuity_form": continuity,
        "budget": design_budget(studio_id),
        "has_assistant": ScriptAssistant.objects.filter(studio_id=studio_id).exists(),
        "project_settings": ContinuitySettings.objects.filter(project__in=projects).select_related(
            "project"
        ),
    }
    bad = form.errors or continuity.errors
    return render(request, "generation/design/settings.html", context, status=400 if bad else 200)
