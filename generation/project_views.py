"""Projects' pages: home (studios with their projects), a project with its episodes, the
project's creation and its one settings page (story, look, providers, money, team).

Home and project pages show figures of takes (progress, spend, poster), so they live here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.board.progress import episodes_with_progress, projects_with_progress
from generation.forms import ProjectSettingsForm
from generation.money.budget import project_budget, project_spending
from generation.project_setup import create_project, save_project_settings, settings_initial
from generation.services import GenerationRefused
from projects.access import get_project_for_user, membership_in, require
from projects.models import Membership, Project


@login_required
@require_http_methods(["GET", "POST"])
def new_project(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    member = membership_in(request.user, studio_id)
    if member is None:
        raise Http404
    require(member.can_manage_projects, member)
    studio = member.studio
    initial = {"aspect_ratio": "9:16", "provider": "animatic"}
    form = ProjectSettingsForm(request.POST or None, studio=studio, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = create_project(
                studio=studio, data=data, team=list(data["team"]), actor=request.user
            )
        except GenerationRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Project {project.name} created: add its first episode.")
            return redirect("generation:project", project_id=project.pk)
    context = {"studio": studio, "member": member, "form": form, "project": None}
    status = 400 if form.errors else 200
    return render(request, "generation/project_settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project, member = get_project_for_user(request.user, project_id)
    form = ProjectSettingsForm(
        request.POST or None, studio=project.studio, project=project,
        initial=settings_initial(project),
    )  # fmt: skip
    if request.method == "POST":
        require(member.can_manage_projects and not member.read_only_reason, member)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_project_settings(
                    project=project, data=data, team=list(data["team"]), actor=request.user
                )
            except GenerationRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Project settings saved.")
                return redirect("generation:project_settings", project_id=project.pk)
    context = {"studio": project.studio, "member": member, "form": form, "project": project}
    status = 400 if form.errors else 200
    return render(request, "generation/project_settings.html", context, status=status)


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
        "budget": project_budget(project),
        "spending": project_spending(project),
    }
    return render(request, "generation/project.html", context)
