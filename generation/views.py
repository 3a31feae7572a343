"""Generating takes, reviewing them, and serving their media to members only."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from characters.protected_media import serve_file
from characters.requests import AuthenticatedHttpRequest
from generation.budget import lock_budget
from generation.credentials import ProjectGenerationSettings
from generation.forms import ReviewForm
from generation.models import Take
from generation.preview import preview_prompt
from generation.services import (
    GenerationRefused,
    cancel_take,
    check_spending,
    record_review,
    request_fallback_take,
    request_remix,
    request_takes,
    resubmit_take,
)
from projects.access import get_scene_for_user, require
from projects.board import render_card
from projects.models import Membership, Scene


def _take_for_user(request: AuthenticatedHttpRequest, take_id: int) -> tuple[Take, Membership]:
    take = get_object_or_404(
        Take.objects.select_related("scene__episode__project__generation_settings"), pk=take_id
    )
    _, member = get_scene_for_user(request.user, take.scene_id)
    return take, member


@login_required
@require_POST
def generate_scene(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    scene, member = get_scene_for_user(request.user, scene_id)
    require(member.can_generate, member)
    try:
        with transaction.atomic():
            lock_budget(scene.episode.project)
            check_spending(project=scene.episode.project, scenes=[scene])
            request_takes(scenes=[scene], requested_by=request.user)
    except GenerationRefused as exc:
        return HttpResponse(str(exc), status=409)
    fresh = Scene.objects.on_board().get(pk=scene.pk)
    return HttpResponse(render_card(fresh, member))


@login_required
def scene_review(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    scene, member = get_scene_for_user(request.user, scene_id)
    takes = scene.takes.prefetch_related("decisions__author")  # type: ignore[attr-defined]
    fallback = ProjectGenerationSettings.objects.filter(project=scene.episode.project_id).first()
    context = {
        "scene": scene,
        "member": member,
        "takes": takes,
        "form": ReviewForm(),
        "fallback_provider": fallback.fallback_provider if fallback else "",
        "with_preview": True,
        "preview": preview_prompt(scene=scene, viewer=request.user),
    }
    return render(request, "generation/scene_review.html", context)


@login_required
@require_safe
def prompt_preview(request: AuthenticatedHttpRequest, scene_id: int) -> HttpResponse:
    """The prompt preview of one scene, loaded into its storyboard card on demand."""
    scene, _ = get_scene_for_user(request.user, scene_id)
    preview = preview_prompt(scene=scene, viewer=request.user)
    context = {"scene": scene, "preview": preview, "card": True}
    return render(request, "generation/_prompt_preview.html", context)


@login_required
@require_POST
def review_take(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    take, member = _take_for_user(request, take_id)
    require(member.can_review, member)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            record_review(take=take, author=request.user, **form.cleaned_data)
        except GenerationRefused as exc:
            form.add_error(None, str(exc))
    if form.is_valid():
        return redirect("generation:scene_review", scene_id=take.scene_id)
    scene = take.scene
    takes = scene.takes.prefetch_related("decisions__author")  # type: ignore[attr-defined]
    context = {
        "scene": scene,
        "member": member,
        "takes": takes,
        "form": form,
        "form_take": take,
        "preview": preview_prompt(scene=scene, viewer=request.user),
    }
    return render(request, "generation/scene_review.html", context, status=400)


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
    request: AuthenticatedHttpRequest,
    take_id: int,
    start: Callable[..., Take],
    done: Callable[[Take], str],
) -> HttpResponse:
    """Start another take from this one (a single scene, as "Regenerate" on the storyboard)."""
    take, member = _take_for_user(request, take_id)
    require(member.can_generate, member)
    try:
        new = start(take=take, requested_by=request.user)
        messages.success(request, done(new))
    except GenerationRefused as exc:
        messages.error(request, str(exc))
    return _back_to_review(request, take)


@login_required
@require_POST
def resubmit(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    return _new_take_from(request, take_id, resubmit_take, lambda new: f"Take {new.number} queued.")


@login_required
@require_POST
def fallback(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    return _new_take_from(
        request,
        take_id,
        request_fallback_take,
        lambda new: f"Take {new.number} queued on {new.provider}.",
    )


@login_required
@require_POST
def remix(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    return _new_take_from(
        request,
        take_id,
        request_remix,
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
