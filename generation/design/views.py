"""Design with AI: the design page of a character, its candidates, picks and discards.

Access: the studio's member (404 otherwise) who owns the character (visible to them,
else 404; someone else's: 403) and whose role may generate (403 otherwise).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from characters.access import get_character_for_user
from characters.models import Character, Look
from characters.protected_media import serve_file
from characters.requests import AuthenticatedHttpRequest
from generation.design.clips import request_clip, use_clip
from generation.design.forms import CandidateForm, CandidatesForm, ClipForm
from generation.design.models import DesignCandidate, ReferenceClip
from generation.design.page import CLIP_PANEL, PANEL, angle_context, clip_context, page_context
from generation.design.services import (
    DesignRefused,
    DesignRequest,
    discard_candidate,
    pick_candidate,
    request_candidates,
)
from projects.access import membership_in, require
from projects.models import Membership
from projects.studio_views import CURRENT_STUDIO_KEY


def _access(
    request: AuthenticatedHttpRequest, studio_id: int, handle: str
) -> tuple[Membership, Character]:
    member = membership_in(request.user, studio_id)
    if member is None:
        raise Http404
    character = get_character_for_user(request.user, handle)
    require(
        character.is_editable_by(request.user), member, "Only the character's owner designs it."
    )
    require(member.can_generate, member)
    return member, character


def _look(character: Character, look_id: object) -> Look | None:
    if not look_id:
        return None
    return get_object_or_404(Look, character=character, pk=look_id)


def _refused(message: str) -> HttpResponse:
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


@login_required
@require_safe
def design_start(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    """From the character page: the design page in the user's current studio."""
    character = get_character_for_user(request.user, handle)
    if not character.is_editable_by(request.user):
        raise PermissionDenied("Only the character's owner designs it.")
    memberships = Membership.objects.filter(user=request.user).order_by("studio__name")
    wanted = request.session.get(CURRENT_STUDIO_KEY)
    chosen = (wanted and memberships.filter(studio_id=int(wanted)).first()) or memberships.first()
    if chosen is None:
        raise PermissionDenied("Designing with AI is paid by a studio: found or join one first.")
    return redirect("generation:design", studio_id=chosen.studio_id, handle=handle)


@login_required
def design(request: AuthenticatedHttpRequest, studio_id: int, handle: str) -> HttpResponse:
    """The design page (GET); POST asks for a round of candidates of one angle."""
    member, character = _access(request, studio_id, handle)
    look = _look(character, request.GET.get("look") or request.POST.get("look"))
    if request.method != "POST":
        return render(request, "generation/design/page.html", page_context(member, character, look))
    form = CandidatesForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors), status=400,
            content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    data = form.cleaned_data
    asked = DesignRequest(character, data["angle"], data["count"], look, data["note"])
    try:
        request_candidates(member=member, request=asked, requested_by=request.user)
    except DesignRefused as exc:
        return _refused(str(exc))
    return render(request, PANEL, angle_context(member, character, look, data["angle"]))


@login_required
@require_safe
def design_candidates(
    request: AuthenticatedHttpRequest, studio_id: int, handle: str
) -> HttpResponse:
    """One angle's candidates (polled while some are being made)."""
    member, character = _access(request, studio_id, handle)
    look = _look(character, request.GET.get("look"))
    angle = request.GET.get("angle", "front")
    return render(request, PANEL, angle_context(member, character, look, angle))


def _candidate(
    request: AuthenticatedHttpRequest, member: Membership, character: Character
) -> DesignCandidate | None:
    form = CandidateForm(request.POST)
    if not form.is_valid():
        return None
    return get_object_or_404(
        DesignCandidate,
        pk=form.cleaned_data["candidate"],
        studio_id=member.studio_id,
        character=character,
    )


NO_CANDIDATE = "Choose a candidate."


@login_required
@require_POST
def design_pick(request: AuthenticatedHttpRequest, studio_id: int, handle: str) -> HttpResponse:
    """Make a candidate the character's reference of its angle (the upload checks apply)."""
    member, character = _access(request, studio_id, handle)
    candidate = _candidate(request, member, character)
    if candidate is None:
        return HttpResponse(NO_CANDIDATE, status=400, content_type="text/plain; charset=utf-8")
    try:
        reference = pick_candidate(candidate=candidate)
    except DesignRefused as exc:
        return _refused(str(exc))
    context = angle_context(member, character, candidate.look, candidate.angle)
    context["picked_reference"] = reference
    return render(request, PANEL, context)


@login_required
@require_POST
def design_discard(request: AuthenticatedHttpRequest, studio_id: int, handle: str) -> HttpResponse:
    """Discard a candidate: its image is deleted, its cost stays counted."""
    member, character = _access(request, studio_id, handle)
    candidate = _candidate(request, member, character)
    if candidate is None:
        return HttpResponse(NO_CANDIDATE, status=400, content_type="text/plain; charset=utf-8")
    try:
        discard_candidate(candidate=candidate)
    except DesignRefused as exc:
        return _refused(str(exc))
    return render(request, PANEL, angle_context(member, character, candidate.look, candidate.angle))


@login_required
@require_safe
def design_candidate_image(
    request: AuthenticatedHttpRequest, studio_id: int, handle: str, candidate_id: int
) -> HttpResponseBase:
    member, character = _access(request, studio_id, handle)
    candidate = get_object_or_404(
        DesignCandidate.objects.exclude(image=""), pk=candidate_id, studio_id=member.studio_id,
        character=character,
    )  # fmt: skip
    return serve_file(request, candidate.image, content_type="image/png")


@login_required
def design_clip(request: AuthenticatedHttpRequest, studio_id: int, handle: str) -> HttpResponse:
    """The reference clip section (GET, polled while it is made); POST starts a clip."""
    member, character = _access(request, studio_id, handle)
    if request.method == "POST":
        try:
            request_clip(member=member, character=character, requested_by=request.user)
        except DesignRefused as exc:
            return _refused(str(exc))
    return render(request, CLIP_PANEL, clip_context(member, character))


def _clip(
    request: AuthenticatedHttpRequest, member: Membership, character: Character
) -> ReferenceClip | None:
    form = ClipForm(request.POST)
    if not form.is_valid():
        return None
    return get_object_or_404(
        ReferenceClip, pk=form.cleaned_data["clip"], studio_id=member.studio_id, character=character
    )


@login_required
@require_POST
def design_clip_use(request: AuthenticatedHttpRequest, studio_id: int, handle: str) -> HttpResponse:
    """Make a finished clip the character's reference clip (the upload's clip checks apply)."""
    member, character = _access(request, studio_id, handle)
    clip = _clip(request, member, character)
    if clip is None:
        return HttpResponse("Choose a clip.", status=400, content_type="text/plain; charset=utf-8")
    try:
        use_clip(clip=clip)
    except DesignRefused as exc:
        return _refused(str(exc))
    return render(request, CLIP_PANEL, {**clip_context(member, character), "clip_used": True})


@login_required
@require_safe
def design_clip_video(
    request: AuthenticatedHttpRequest, studio_id: int, handle: str, clip_id: int
) -> HttpResponseBase:
    member, character = _access(request, studio_id, handle)
    clip = get_object_or_404(
        ReferenceClip.objects.exclude(video=""), pk=clip_id, studio_id=member.studio_id,
        character=character,
    )  # fmt: skip
    return serve_file(request, clip.video, content_type="video/mp4")
