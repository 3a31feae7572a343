"""The review room: one page per episode; moving between scenes and deciding swap the stage."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.board.render import card_scenes
from generation.board.status import SCENE_STATUS_LABELS, scene_status
from generation.review.comments import add_comment, set_resolved
from generation.review.dashboard import csv_rows, dashboard_context, episode_rows
from generation.review.forms import AllowRetakeForm, BatchReviewForm, CommentForm, ReviewForm
from generation.review.models import ReviewComment
from generation.review.notifications import request_review
from generation.review.room import (
    PAGE,
    next_waiting,
    render_stage,
    render_strip_item,
    room_scenes,
    stage_context,
)
from generation.review.services import (
    DECISIONS,
    allow_retake,
    record_batch_review,
    record_review,
    start_retake,
)
from generation.services import GenerationRefused
from generation.views import _take_for_user
from projects.access import get_episode_for_user, require
from projects.models import Episode, Membership, Scene


def _scene_url(scene: Scene) -> str:
    return reverse("generation:review_room_scene", args=[scene.episode_id, scene.pk])


def _errors(form: Form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _take_number(request: AuthenticatedHttpRequest) -> int | None:
    value = request.GET.get("take", "")
    return int(value) if value.isdigit() and len(value) < 6 else None


def _page(
    request: AuthenticatedHttpRequest,
    episode: Episode,
    member: Membership,
    scenes: list[Scene],
    scene: Scene | None,
) -> HttpResponse:
    if scene is None:
        context = {"episode": episode, "member": member, "scenes": scenes, "scene": None}
        return render(request, PAGE, context)
    context = stage_context(
        scenes=scenes, scene=scene, member=member, take_number=_take_number(request)
    )
    if request.headers.get("HX-Request"):
        return HttpResponse(render_stage(context))
    return render(request, PAGE, {**context, "scenes": scenes, "episode": episode})


@login_required
@require_safe
def room(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The episode's review room, opened on the first scene waiting for review."""
    episode, member = get_episode_for_user(request.user, episode_id)
    scenes = room_scenes(episode)
    scene = next_waiting(scenes, None) or (scenes[0] if scenes else None)
    return _page(request, episode, member, scenes, scene)


@login_required
@require_safe
def room_scene(request: AuthenticatedHttpRequest, episode_id: int, scene_id: int) -> HttpResponse:
    """The review room on one scene (its own URL, so it can be shared)."""
    episode, member = get_episode_for_user(request.user, episode_id)
    scenes = room_scenes(episode)
    scene = next((s for s in scenes if s.pk == scene_id), None)
    if scene is None:
        raise Http404
    return _page(request, episode, member, scenes, scene)


def _stage_response(
    member: Membership, scene: Scene, *, error: str = "", notice: str = "",
    extra: str = "", status: int = 200, take_number: int | None = None,
    scenes: list[Scene] | None = None,
) -> HttpResponse:  # fmt: skip
    scenes = room_scenes(scene.episode) if scenes is None else scenes
    current = next((s for s in scenes if s.pk == scene.pk), scenes[0] if scenes else scene)
    context = stage_context(scenes=scenes, scene=current, member=member, take_number=take_number)
    context.update(error=error, notice=notice)
    response = HttpResponse(render_stage(context) + extra, status=status)
    response["HX-Push-Url"] = _scene_url(current)
    return response


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    """A decision from the room; after approve / changes / reject the next waiting scene shows."""
    take, member = _take_for_user(request, take_id)
    require(member.can_review, member)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        errors = _errors(form)
        return _stage_response(member, take.scene, error=errors, status=400,
                               take_number=take.number)  # fmt: skip
    try:
        record_review(take=take, author=request.user, **form.cleaned_data)
    except GenerationRefused as exc:
        return _stage_response(member, take.scene, error=str(exc), status=409,
                               take_number=take.number)  # fmt: skip
    scenes = room_scenes(take.scene.episode)
    scene = next((s for s in scenes if s.pk == take.scene_id), None)
    if scene is None:  # omitted or archived meanwhile: the decision stands, show the room
        scene = card_scenes(Scene.objects.filter(pk=take.scene_id)).get()
    target = scene
    if form.cleaned_data["action"] in DECISIONS:
        target = next_waiting(scenes, scene) or scene
    done = f"Scene {scene.position}: {SCENE_STATUS_LABELS[scene_status(scene)].lower()}."
    strip = render_strip_item(scene)
    return _stage_response(member, target, notice=done, extra=strip, scenes=scenes)


@login_required
@require_POST
def batch(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Approve or request changes on the selected scenes, each its own log entry."""
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_review, member)
    form = BatchReviewForm(request.POST, episode=episode)
    scenes = room_scenes(episode)
    wanted = request.POST.get("current", "")
    current = next((s for s in scenes if str(s.pk) == wanted), scenes[0] if scenes else None)
    if current is None:
        raise Http404
    if not form.is_valid():
        errors = _errors(form)
        return _stage_response(member, current, error=errors, status=400)
    data = form.cleaned_data
    decisions, refused = record_batch_review(
        scenes=data["scenes"], author=request.user, action=data["action"],
        reason_code=data["reason_code"], note=data["note"],
    )  # fmt: skip
    scenes = room_scenes(episode)
    picked = {s.pk for s in data["scenes"]}
    strip = "".join(render_strip_item(s) for s in scenes if s.pk in picked)
    notice = f"{len(decisions)} scene{'s' if len(decisions) != 1 else ''} decided."
    return _stage_response(member, current, notice=notice, error=" ".join(refused), extra=strip,
                           scenes=scenes)  # fmt: skip


@login_required
@require_POST
def ask_for_review(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """A writer's, producer's or owner's "Ask for a review": the project's reviewers hear of it."""
    episode, member = get_episode_for_user(request.user, episode_id)
    require(member.can_generate, member, "Only writers, producers and owners ask for reviews.")
    scenes = room_scenes(episode)
    wanted = request.POST.get("current", "")
    current = next((s for s in scenes if str(s.pk) == wanted), scenes[0] if scenes else None)
    if current is None:
        raise Http404
    waiting = [s for s in scenes if scene_status(s) == "needs_review"]
    if not waiting:
        return _stage_response(member, current, status=409, scenes=scenes,
                               error="No scene of this episode waits for review.")  # fmt: skip
    told = request_review(episode=episode, actor=request.user, waiting=waiting)
    if told:
        notice = f"Review requested: {len(told)} reviewer{'s' if len(told) != 1 else ''} told."
    else:
        notice = "No reviewer could be told: the project has no reviewer who hears of requests."
    return _stage_response(member, current, notice=notice, scenes=scenes)


@login_required
@require_POST
def comment(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    """A comment pinned to a time in the take, or a reply to one."""
    take, member = _take_for_user(request, take_id)
    require(member.can_comment, member)
    form = CommentForm(request.POST)
    if not form.is_valid():
        errors = _errors(form)
        return _stage_response(member, take.scene, error=errors, status=400,
                               take_number=take.number)  # fmt: skip
    try:
        add_comment(
            take=take, author=request.user, text=form.cleaned_data["text"],
            at_seconds=form.cleaned_data["at_seconds"], parent_id=form.cleaned_data["parent"],
        )  # fmt: skip
    except GenerationRefused as exc:
        return _stage_response(member, take.scene, error=str(exc), status=409,
                               take_number=take.number)  # fmt: skip
    return _stage_response(member, take.scene, notice="Comment added.", take_number=take.number)


@login_required
@require_POST
def resolve(request: AuthenticatedHttpRequest, comment_id: int) -> HttpResponse:
    """Resolve a comment thread, or reopen it."""
    note = get_object_or_404(ReviewComment.objects.select_related("take"), pk=comment_id)
    take, member = _take_for_user(request, note.take_id)
    require(member.can_comment, member)
    resolved = request.POST.get("resolved") == "1"
    set_resolved(comment=note, by=request.user, resolved=resolved)
    notice = "Comment resolved." if resolved else "Comment reopened."
    return _stage_response(member, take.scene, take_number=take.number, notice=notice)


@login_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The episode's review dashboard: statuses (an SVG chart), retakes, reasons, spend."""
    episode, _ = get_episode_for_user(request.user, episode_id)
    return render(request, "generation/review/dashboard.html", dashboard_context(episode))


@login_required
@require_safe
def dashboard_csv(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The dashboard's table as CSV."""
    episode, _ = get_episode_for_user(request.user, episode_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"episode-{episode.number}-review.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    csv.writer(response).writerows(csv_rows(episode_rows(episode)))
    return response


@login_required
@require_POST
def retake(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    """Regenerate the scene of a reviewed take, or remix it with the review note."""
    take, member = _take_for_user(request, take_id)
    require(member.can_generate)
    try:
        new = start_retake(take=take, requested_by=request.user,
                           remix=request.POST.get("remix") == "1")  # fmt: skip
    except GenerationRefused as exc:
        return _stage_response(member, take.scene, error=str(exc), status=409,
                               take_number=take.number)  # fmt: skip
    notice = f"Take {new.number} queued: it appears here when it is finished."
    return _stage_response(member, take.scene, notice=notice, take_number=take.number)


@login_required
@require_POST
def allow_more(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    """A producer's or owner's "Allow one more take" past the project's cap (with a note)."""
    take, member = _take_for_user(request, take_id)
    require(member.can_spend, member, "Only a producer or owner can allow a take past the cap.")
    form = AllowRetakeForm(request.POST)
    if not form.is_valid():
        return _stage_response(member, take.scene, error=_errors(form), status=400,
                               take_number=take.number)  # fmt: skip
    try:
        allow_retake(take=take, author=request.user, note=form.cleaned_data["note"])
    except GenerationRefused as exc:
        return _stage_response(member, take.scene, error=str(exc), status=409,
                               take_number=take.number)  # fmt: skip
    notice = f"Scene {take.scene.position} may have one more take."
    return _stage_response(member, take.scene, notice=notice, take_number=take.number)
