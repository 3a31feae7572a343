"""Pages of studios, projects, episodes, the script editor and the storyboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_episode_for_user, get_project_for_user, require
from projects.board import board_scenes
from projects.forms import ScriptForm
from projects.models import Membership, Project
from projects.services import save_script


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("studio")
    projects = Project.objects.for_user(request.user).select_related("studio")
    return render(request, "projects/home.html", {"memberships": memberships, "projects": projects})


@login_required
def project_detail(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project, member = get_project_for_user(request.user, project_id)
    context = {"project": project, "member": member, "episodes": project.episodes.all()}
    return render(request, "projects/project.html", context)


@login_required
def storyboard(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    context = {"episode": episode, "member": member, "scenes": board_scenes(episode)}
    return render(request, "projects/storyboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_script(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_edit_script)
    form = ScriptForm(request.POST or None, initial={"script": episode.script})
    if request.method == "POST" and form.is_valid():
        result = save_script(
            episode=episode, text=form.cleaned_data["script"], edited_by=request.user
        )
        messages.success(
            request,
            f"Breakdown: {result.created} new, {result.kept} kept, "
            f"{result.removed} removed, {result.archived} archived with their takes.",
        )
        for problem in result.problems:
            messages.warning(request, problem)
        return redirect("projects:storyboard", episode_id=episode.pk)
    return render(request, "projects/script_form.html", {"episode": episode, "form": form})
