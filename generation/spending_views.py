"""Spending money: batch generation behind a confirmation, and the studio's price table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from characters.requests import AuthenticatedHttpRequest
from generation.api.webhooks import watch_page_batch
from generation.board.render import board_scenes, render_grid, render_notice
from generation.board.status import BUSY, NEEDS_A_TAKE, scene_status, takes_out_of_date
from generation.forms import ListPriceForm
from generation.money.budget import project_budget
from generation.money.pricing import effective_prices, save_studio_price
from generation.takes.door import TakeKind, TakeStart, start_takes
from projects.access import get_episode_for_user, membership_in, require
from projects.models import Episode, Membership, Role, Scene

CONFIRM = "generation/batch_confirm.html#confirm"


def batch_scenes(
    episode: Episode, picked: list[str], board: list[Scene] | None = None
) -> list[Scene]:
    """The picked scenes (all that need a take when none are picked), not omitted, not busy.

    `board` is the episode's `board_scenes` when the caller has them already.
    """
    board = board_scenes(episode) if board is None else board
    scenes = [s for s in board if not s.omitted and scene_status(s) not in BUSY]
    if not picked:
        return [s for s in scenes if scene_status(s) in NEEDS_A_TAKE]
    ids = {int(p) for p in picked if p.isdigit()}
    return [s for s in scenes if s.pk in ids]


def out_of_date_note(episode: Episode, picked: list[str], board: list[Scene] | None = None) -> str:
    """What "Generate all" left out and why: scenes whose take is older than their script.

    `board` is the episode's `board_scenes` when the caller has them already (as they were
    before the batch: the scenes it skips are not among those it queued).
    """
    if picked:
        return ""
    stale = [
        s
        for s in (board_scenes(episode) if board is None else board)
        if not s.omitted and scene_status(s) not in BUSY | NEEDS_A_TAKE and takes_out_of_date(s)
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
        return redirect("board:storyboard", episode_id=episode.pk)
    return HttpResponse(render_grid(episode, member) + render_notice(text))


def _confirm(
    request: AuthenticatedHttpRequest, episode: Episode, started: TakeStart, changed: bool
) -> HttpResponse:
    assert started.estimate is not None  # a confirmation is asked only for scenes that pass
    budget = project_budget(episode.project)
    estimate = started.estimate
    context = {
        "episode": episode,
        "scenes": started.ready,
        "blocked": started.refused,
        "estimate": estimate,
        "budget": budget,
        "after": None if budget.remaining is None else budget.remaining - estimate.total,
        "confirm_value": f"{estimate.total:.2f}",
        "changed": changed,
    }
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "generation/batch_confirm.html", context)
    response = HttpResponse(render_to_string(CONFIRM, context))
    return reswap(retarget(response, "#board-notice"), "outerHTML")


def _outcome(started: TakeStart) -> str:
    if not started.takes and not started.refused:
        return "Nothing to generate: every scene has a take or one in progress."
    queued = f"{len(started.takes)} scene(s) queued for generation." if started.takes else ""
    return " ".join(filter(None, [queued, started.message]))


@login_required
@require_POST
def generate_all(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Generate the picked scenes (or all that need a take); a paid batch is confirmed first."""
    episode, member = get_episode_for_user(request.user, episode_id)
    confirmed = request.POST.get("confirm") or None
    picked = request.POST.getlist("scene")
    board = board_scenes(episode)
    started = start_takes(
        scenes=batch_scenes(episode, picked, board),
        requested_by=request.user,
        kind=TakeKind.BATCH,
        confirmed_total=confirmed,
    )
    if started.forbidden:  # the role's refusal, said where the user acted (the 403 page)
        raise PermissionDenied(started.message)
    if started.needs_confirmation:
        # The total shown was confirmed, not another one: a changed total is shown again.
        return _confirm(request, episode, started, changed=bool(confirmed))
    watch_page_batch(episode, request.user, started.takes)  # the user's webhooks hear of it
    outcome = _outcome(started) + out_of_date_note(episode, picked, board)
    return _notice(request, episode, member, outcome)


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
