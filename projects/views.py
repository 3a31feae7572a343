"""An episode's script versions (the home and project pages, with takes, are in generation)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_episode_for_user


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
