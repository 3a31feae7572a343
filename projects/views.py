"""Pages of studios, projects, episodes, the script editor with its versions, the storyboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from characters.requests import AuthenticatedHttpRequest
from projects.access import get_episode_for_user, get_project_for_user, require
from projects.board import board_context
from projects.breakdown import plan_breakdown
from projects.forms import ScriptForm
from projects.models import Episode, Membership, Project
from projects.progress import episodes_with_progress, projects_with_progress
from projects.services import PlanOutdated, PlanRefused, apply_breakdown


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
    return render(request, "projects/home.html", context)


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
    return render(request, "projects/project.html", context)


@login_required
def storyboard(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    return render(request, "projects/storyboard.html", board_context(episode, member))


def _script_page(
    request: AuthenticatedHttpRequest, episode: Episode, form: ScriptForm, **extra: object
) -> HttpResponse:
    versions = episode.script_versions.select_related("created_by")
    context = {"episode": episode, "form": form, "versions": versions, **extra}
    return render(request, "projects/script_form.html", context)


def _preview(
    request: AuthenticatedHttpRequest, episode: Episode, text: str, note: str = ""
) -> HttpResponse:
    plan = plan_breakdown(episode=episode, text=text, user=request.user)
    restored = request.POST.get("restored_from") or None
    form = ScriptForm(
        initial={"script": text, "confirm": plan.fingerprint, "restored_from": restored}
    )
    return _script_page(request, episode, form, plan=plan, outdated=note)


@login_required
@require_http_methods(["GET", "POST"])
def edit_script(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_edit_script, member)
    form = ScriptForm(request.POST or None, initial={"script": episode.script})
    if request.method != "POST" or not form.is_valid():
        return _script_page(request, episode, form)
    text, confirmed = form.cleaned_data["script"], form.cleaned_data["confirm"]
    if not confirmed:  # first show what would change; nothing is applied without a confirm
        return _preview(request, episode, text)
    restored = form.cleaned_data["restored_from"]
    note = f"Restored from version {restored}" if restored else "Saved in the script editor"
    try:
        plan = apply_breakdown(
            episode=episode, text=text, edited_by=request.user, confirmed=confirmed, note=note
        )
    except (PlanOutdated, PlanRefused) as exc:
        return _preview(request, episode, text, note=str(exc))
    messages.success(request, f"Breakdown applied: {plan.summary}.")
    return redirect("projects:storyboard", episode_id=episode.pk)


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
