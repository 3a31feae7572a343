"""The script editor: a breakdown checked against the project's provider, then applied.

It lives with the board because the breakdown needs the provider's rules (durations,
characters per shot), which `projects` does not know; the breakdown itself stays in
`projects` and takes the rules as an argument.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from characters.requests import AuthenticatedHttpRequest
from generation.providers import shot_rules
from projects.access import get_episode_for_user, require
from projects.breakdown import plan_breakdown
from projects.forms import ScriptForm
from projects.models import Episode
from projects.services import PlanOutdated, PlanRefused, apply_breakdown


def _script_page(
    request: AuthenticatedHttpRequest, episode: Episode, form: ScriptForm, **extra: object
) -> HttpResponse:
    versions = episode.script_versions.select_related("created_by")
    context = {"episode": episode, "form": form, "versions": versions, **extra}
    return render(request, "projects/script_form.html", context)


def _preview(
    request: AuthenticatedHttpRequest, episode: Episode, text: str, note: str = ""
) -> HttpResponse:
    plan = plan_breakdown(
        episode=episode, text=text, user=request.user, rules=shot_rules(episode.project.provider)
    )
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
            episode=episode,
            text=text,
            edited_by=request.user,
            confirmed=confirmed,
            note=note,
            rules=shot_rules(episode.project.provider),
        )
    except (PlanOutdated, PlanRefused) as exc:
        return _preview(request, episode, text, note=str(exc))
    messages.success(request, f"Breakdown applied: {plan.summary}.")
    return redirect("board:storyboard", episode_id=episode.pk)
