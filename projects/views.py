"""Pages of studios, projects, episodes and an episode's script versions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_episode_for_user, get_project_for_user
from projects.models import Membership, Project


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
@require_safe
def script_version(request: AuthenticatedHttpRequest, episode_id: int, number: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    version = get_object_or_404(episode.script_versions, number=number)
    versions = episode.script_versions.select_related("created_by")
    context = {"episode": episode, "member": member, "version": version, "versions": versions}
    return render(request, "projects/script_version.html", context)


@login_required
@require_safe
def latest_script_version(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, _ = get_episode_for_user(request.user, episode_id)
    latest = get_object_or_404(episode.script_versions.order_by("-number")[:1])
    return redirect("projects:script_version", episode_id=episode.pk, number=latest.number)
