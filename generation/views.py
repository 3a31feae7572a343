"""Generating takes, reviewing them, and serving their media to members only."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from characters.protected_media import serve_file
from characters.requests import AuthenticatedHttpRequest
from generation.board.render import card_scene, render_card
from generation.models import Take
from generation.preview import preview_prompt
from generation.services import cancel_take
from generation.takes.door import TakeKind, TakeStart, start_takes
from projects.access import get_scene_for_user, require
from projects.models import Membership


def _take_for_user(request: AuthenticatedHttpRequest, take_id: int) -> tuple[Take, Membership]:
    take = get_object_or_404(
        Take.objects.select_related("scene__episode__project__generation_settings"), pk=take_id
    )
    _, member = get_scene_for_user(request.user, take.scene_id)
    return take, member


def _refused(started: TakeStart) -> HttpResponse:
    """The door's refusal where the user acted: 403 for their role, 409 for the scene."""
    status = 403 if started.forbidden else 409
    return HttpResponse(started.message, status=status, content_type="text/plain; charset=utf-8")


@login_required
@require_POST
def generate_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    scene, member = get_scene_for_user(request.user, scene_id)
    started = start_takes(scenes=[scene], requested_by=request.user, kind=TakeKind.GENERATE)
    if not started.takes:
        return _refused(started)
    fresh = card_scene(scene.pk)
    assert fresh is not None  # the scene was just found on the board
    return HttpResponse(render_card(fresh, member))


@login_required
@require_safe
def prompt_preview(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    """The prompt preview of one scene, loaded into its storyboard card on demand."""
    scene, _ = get_scene_for_user(request.user, scene_id)
    preview = preview_prompt(scene=scene, viewer=request.user)
    context = {"scene": scene, "preview": preview, "card": True}
    return render(request, "generation/_prompt_preview.html", context)


def _back_to_review(request: AuthenticatedHttpRequest, take: Take) -> HttpResponse:
    return redirect("generation:scene_review", scene_id=take.scene_id)


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    take, member = _take_for_user(request, take_id)
    require(member.can_generate, member)
    if not cancel_take(take=take, cancelled_by=request.user):
        messages.info(request, f"Take {take.number} had already finished.")
    return _back_to_review(request, take)


def _new_take_from(
    request: AuthenticatedHttpRequest, take_id: int, kind: TakeKind, done: Callable[[Take], str]
) -> HttpResponse:
    """Start another take from this one through the one door; say what happened."""
    take, _ = _take_for_user(request, take_id)
    started = start_takes(
        scenes=[take.scene], requested_by=request.user, kind=kind, source_take=take
    )
    if started.forbidden:
        return _refused(started)
    if started.takes:
        messages.success(request, done(started.takes[0]))
    else:
        messages.error(request, started.message)
    return _back_to_review(request, take)


@login_required
@require_POST
def resubmit(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    return _new_take_from(
        request, take_id, TakeKind.RESUBMIT, lambda new: f"Take {new.number} queued."
    )


@login_required
@require_POST
def fallback(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    return _new_take_from(
        request,
        take_id,
        TakeKind.FALLBACK,
        lambda new: f"Take {new.number} queued on {new.provider}.",
    )


@login_required
@require_POST
def remix(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    return _new_take_from(
        request,
        take_id,
        TakeKind.REMIX,
        lambda new: f"Take {new.number} queued: a remix with the review note.",
    )


@login_required
@require_safe
def take_video(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponseBase:
    take, _ = _take_for_user(request, take_id)
    return serve_file(request, take.video, content_type="video/mp4")


@login_required
@require_safe
def take_thumbnail(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponseBase:
    take, _ = _take_for_user(request, take_id)
    return serve_file(request, take.thumbnail, content_type="image/jpeg")
