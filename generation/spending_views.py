"""Spending money: batch generation behind a confirmation, and the studio's price table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from characters.requests import AuthenticatedHttpRequest
from generation.budget import lock_budget, project_budget
from generation.forms import ListPriceForm
from generation.pricing import BatchEstimate, effective_prices, estimate_batch, save_studio_price
from generation.services import GenerationRefused, request_takes
from projects.access import get_episode_for_user, membership_in, require
from projects.board import board_scenes, render_grid, render_notice
from projects.models import Episode, Membership, Role, Scene

CONFIRM = "generation/batch_confirm.html#confirm"
# What "Generate all" picks: scenes without a usable take.
WANTED = {"draft", "failed", "rejected", "changes_requested"}
BUSY = {"queued", "generating"}
PAID_BATCH_REFUSAL = (
    "A batch that costs money needs a producer or an owner; writers start free (animatic) "
    "batches, or generate scenes one at a time."
)


def batch_scenes(episode: Episode, picked: list[str]) -> list[Scene]:
    """The picked scenes (all that need a take when none are picked), not omitted, not busy."""
    scenes = [s for s in board_scenes(episode) if not s.omitted and s.status not in BUSY]
    if not picked:
        return [s for s in scenes if s.status in WANTED]
    ids = {int(p) for p in picked if p.isdigit()}
    return [s for s in scenes if s.pk in ids]


def out_of_date_note(episode: Episode, picked: list[str]) -> str:
    """What "Generate all" left out and why: scenes whose take is older than their script."""
    if picked:
        return ""
    stale = [
        s
        for s in board_scenes(episode)
        if not s.omitted and s.status not in BUSY | WANTED and s.takes_out_of_date
    ]
    if not stale:
        return ""
    numbers = ", ".join(str(s.position) for s in stale)
    return (
        f" Skipped {len(stale)} out-of-date scene(s) that already have a take ({numbers}): "
        "select them and use Generate to make new takes."
    )


def _notice(
    request: AuthenticatedHttpRequest, episode: Episode, member: Membership, text: str
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        messages.info(request, text)
        return redirect("projects:storyboard", episode_id=episode.pk)
    return HttpResponse(render_grid(episode, member) + render_notice(text))


def _confirm(
    request: AuthenticatedHttpRequest,
    episode: Episode,
    scenes: list[Scene],
    estimate: BatchEstimate,
    changed: bool,
) -> HttpResponse:
    budget = project_budget(episode.project)
    context = {
        "episode": episode,
        "scenes": scenes,
        "estimate": estimate,
        "budget": budget,
        "after": None if budget.remaining is None else budget.remaining - estimate.total,
        "confirm_value": _confirm_value(estimate),
        "changed": changed,
    }
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "generation/batch_confirm.html", context)
    response = HttpResponse(render_to_string(CONFIRM, context))
    return reswap(retarget(response, "#board-notice"), "outerHTML")


def _confirm_value(estimate: BatchEstimate) -> str:
    return f"{estimate.total:.2f}"


@login_required
@require_POST
def generate_all(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_generate, member)
    with transaction.atomic():
        lock_budget(episode.project)
        scenes = batch_scenes(episode, request.POST.getlist("scene"))
        estimate = estimate_batch(scenes)
        # Writers may run free batches (the animatic); paid batches need a producer.
        free = not estimate.unknown and estimate.total == 0
        require(member.can_spend or free, member, why=PAID_BATCH_REFUSAL)
        refusal = estimate.unknown or project_budget(episode.project).refusal(estimate)
        if refusal:
            return _notice(request, episode, member, refusal)
        confirmed = request.POST.get("confirm", "")
        if estimate.total and confirmed != _confirm_value(estimate):
            # The total shown was confirmed, not another one: a changed total is shown again.
            return _confirm(request, episode, scenes, estimate, changed=bool(confirmed))
        try:
            takes = request_takes(scenes=scenes, requested_by=request.user)
            notice = (
                f"{len(takes)} scene(s) queued for generation."
                if takes
                else "Nothing to generate: every scene has a take or one in progress."
            ) + out_of_date_note(episode, request.POST.getlist("scene"))
        except GenerationRefused as exc:
            notice = str(exc)
    return _notice(request, episode, member, notice)


@login_required
def prices(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    member = membership_in(request.user, studio_id)
    if member is None:
        raise Http404
    require(member.role == Role.OWNER, member)
    studio = member.studio
    form = ListPriceForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        save_studio_price(studio=studio, updated_by=request.user, **form.cleaned_data)
        messages.success(request, "Price saved for this studio.")
        return redirect("generation:prices", studio_id=studio.pk)
    context = {"studio": studio, "rows": effective_prices(studio), "form": form}
    return render(request, "generation/prices.html", context, status=400 if form.errors else 200)
