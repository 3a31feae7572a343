"""The review pages: a scene's takes with their decisions, and recording a decision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from characters.requests import AuthenticatedHttpRequest
from generation.credentials import ProjectGenerationSettings
from generation.preview import preview_prompt
from generation.review.forms import ReviewForm
from generation.review.services import record_review
from generation.services import GenerationRefused
from generation.views import _take_for_user
from projects.access import get_scene_for_user, require


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
    return render(request, "generation/review/scene_review.html", context)


@login_required
@require_POST
def review_take(request: AuthenticatedHttpRequest, take_id: int) -> HttpResponse:
    take, member = _take_for_user(request, take_id)
    require(member.can_review)
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
    return render(request, "generation/review/scene_review.html", context, status=400)
