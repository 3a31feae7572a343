"""Pages of studios, projects, episodes and an episode's script versions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_episode_for_user, get_project_for_user
from projects.models import Membership, Project
from generation.board.progress import episodes_with_progress, projects_with_progress


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    memberships = Membership.objects.filter(user=request.user).select_related("studio")
    projects = Project.objects.for_user(request.user).select_related("studio")
    if not show_archived:
        projects = projects.active()
    annotated = list(projects_with_progress(projects))
    studios = [(m, [p for p in annotated if p.studio_id == m.studio_id]) for m in memberships]
    context = {"studios": studios, "show_archived": show_archived}
    return render(request, "generation/home.html", context)


@login_required
@require_safe
def project_detail(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project, member = get_project_for_user(request.user, project_id)
    episodes = list(episodes_with_progress(project.episodes.all()))
    context = {
        "project": project,
        "studio": project.studio,
        "member": member,
        "episodes": [e for e in episodes if e.archived_at is None],
        "archived_episodes": [e for e in episodes if e.archived_at is not None],
        "figures": projects_with_progress(Project.objects.filter(pk=project.pk)).get(),
    }
    return render(request, "generation/project.html", context)


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
    """The script as the storyboard stands now (storyboard edits included), with the versions."""
    episode, member = get_episode_for_user(request.user, episode_id)
    versions = episode.script_versions.select_related("created_by")
    context = {
        "episode": episode,
        "member": member,
        "version": None,
        "script": episode.script,
        "versions": versions,
    }
    return render(request, "projects/script_version.html", context)
