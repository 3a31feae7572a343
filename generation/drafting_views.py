"""Draft scenes with AI: the studio's chat model settings and the drafting page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from characters.requests import AuthenticatedHttpRequest
from generation.drafting import DraftRefused, ScriptAssistant, draft_script, save_assistant
from generation.forms import DraftForm, ScriptAssistantForm
from projects.access import get_episode_for_user, membership_in, require
from projects.models import Role


@login_required
def script_assistant(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    member = membership_in(request.user, studio_id)
    if member is None:
        raise Http404
    require(member.role == Role.OWNER, member)
    current = ScriptAssistant.objects.filter(studio_id=studio_id).first()
    initial = {"base_url": current.base_url, "model": current.model} if current else {}
    form = ScriptAssistantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_assistant(studio_id=studio_id, **form.cleaned_data)
        except DraftRefused as exc:
            form.add_error("api_key", str(exc))
        else:
            messages.success(request, "Script assistant saved.")
            return redirect("generation:script_assistant", studio_id=studio_id)
    context = {"studio": member.studio, "assistant": current, "form": form}
    status = 400 if form.errors else 200
    return render(request, "generation/script_assistant.html", context, status=status)


@login_required
def draft_scenes(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_edit_script, member)
    configured = ScriptAssistant.objects.filter(studio_id=episode.project.studio_id).exists()
    form = DraftForm(request.POST or None)
    context = {"episode": episode, "member": member, "form": form, "configured": configured}
    if request.method == "POST" and form.is_valid():
        try:
            context["draft"] = draft_script(
                episode=episode, user=request.user, prose=form.cleaned_data["prose"]
            )
        except DraftRefused as exc:  # over the budget too: said where "Draft scenes" was pressed
            form.add_error("prose", str(exc))  # the prose stays in the form: nothing is lost
    status = 400 if form.errors else 200
    return render(request, "generation/draft_scenes.html", context, status=status)
