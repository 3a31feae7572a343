"""Creating, renaming, reordering and archiving episodes; archiving and restoring projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_episode_for_user, get_project_for_user, require
from projects.forms import EpisodeForm, MoveForm
from projects.organize import (
    OrganizeRefused,
    create_episode,
    move_episode,
    next_episode_number,
    rename_episode,
    set_episode_archived,
    set_project_archived,
)


@login_required
@require_http_methods(["GET", "POST"])
def new_episode(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project, member = get_project_for_user(request.user, project_id)
    require(member.can_manage_episodes, member)
    form = EpisodeForm(request.POST or None, initial={"number": next_episode_number(project)})
    if request.method == "POST" and form.is_valid():
        try:
            episode = create_episode(project=project, **form.cleaned_data)
        except OrganizeRefused as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, f"Episode {episode} created.")
            return redirect("board:storyboard", episode_id=episode.pk)
    context = {"project": project, "member": member, "form": form, "episode": None}
    status = 400 if form.errors else 200
    return render(request, "projects/episode_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_episode(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_manage_episodes, member)
    initial = {"number": episode.number, "title": episode.title}
    form = EpisodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rename_episode(episode=episode, **form.cleaned_data)
        except OrganizeRefused as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, f"Episode {episode} saved.")
            return redirect("generation:project", project_id=episode.project_id)
    context = {"project": episode.project, "member": member, "form": form, "episode": episode}
    status = 400 if form.errors else 200
    return render(request, "projects/episode_form.html", context, status=status)


@login_required
@require_POST
def move_episode_view(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_manage_episodes, member)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            move_episode(episode=episode, direction=form.cleaned_data["direction"])
        except OrganizeRefused as exc:
            messages.warning(request, str(exc))
    return redirect("generation:project", project_id=episode.project_id)


@login_required
@require_POST
def archive_episode(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_manage_episodes, member)
    archived = request.POST.get("archived") != "0"
    set_episode_archived(episode=episode, archived=archived)
    done = "archived" if archived else "brought back"
    messages.success(request, f"Episode {episode} {done}.")
    return redirect("generation:project", project_id=episode.project_id)


@login_required
@require_POST
def archive_project(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project, member = get_project_for_user(request.user, project_id)
    require(member.can_manage_projects, member)
    archived = request.POST.get("archived") != "0"
    set_project_archived(project=project, archived=archived)
    if archived:
        messages.success(
            request, f"{project.name} archived: it is read-only and off the home page."
        )
        return redirect("generation:home")
    messages.success(request, f"{project.name} restored.")
    return redirect("generation:project", project_id=project.pk)
