"""Workflows of the generation app: requesting takes and reviewing them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max

from characters.models import Character
from generation.models import (
    ACTIVE_STATUSES,
    REVIEW_STATUS_AFTER,
    GenerationStatus,
    ReviewAction,
    ReviewDecision,
    ReviewStatus,
    Take,
)
from generation.prompts import compile_prompt
from generation.providers import get_provider
from projects.live import publish_scene_changed
from projects.models import Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class GenerationRefused(Exception):
    """A take cannot be requested; the message says why and what to do."""


def publish_take(take: Take) -> None:
    """After commit, tell the project's viewers the take's scene card changed."""
    scene = take.scene
    publish_scene_changed(
        project_id=scene.episode.project_id, episode_id=scene.episode_id, scene_id=scene.pk
    )


def estimate_cost(scenes: Iterable[Scene]) -> Decimal:
    """What generating one take of each scene costs at list price."""
    return sum(
        (get_provider(s.episode.project.provider).cost_of(s.duration_seconds) for s in scenes),
        Decimal("0"),
    )


def _check_cast(scene: Scene, user: User) -> None:
    cast = list(scene.cast.all())
    visible = set(Character.objects.visible_to(user).filter(pk__in=[c.pk for c in cast]))
    if len(visible) < len(cast):
        raise GenerationRefused(
            f"Scene {scene.position} casts a character you can no longer use: recast it first."
        )


def _new_take(scene: Scene, user: User) -> Take:
    project = scene.episode.project
    width, height = project.frame_size
    latest = scene.takes.order_by("-number").first()  # type: ignore[attr-defined]
    number = (scene.takes.aggregate(n=Max("number"))["n"] or 0) + 1  # type: ignore[attr-defined]
    return Take.objects.create(
        scene=scene,
        number=number,
        replaces=latest,
        requested_by=user,
        provider=project.provider,
        prompt=compile_prompt(scene),
        duration_seconds=scene.duration_seconds,
        width=width,
        height=height,
    )


def request_takes(*, scenes: Iterable[Scene], requested_by: User) -> list[Take]:
    """Create a queued take for each scene that has none in progress, and enqueue them.

    A scene already generating is skipped, so a double click never pays twice.
    """
    from generation.tasks import submit_take

    takes = []
    with transaction.atomic():
        for scene in scenes:
            # Lock the scene so two requests cannot both pick the same take number.
            locked = (
                Scene.objects.select_for_update()
                .select_related("episode__project")
                .get(pk=scene.pk)
            )
            if locked.takes.filter(generation_status__in=ACTIVE_STATUSES).exists():  # type: ignore[attr-defined]
                continue
            _check_cast(locked, requested_by)
            take = _new_take(locked, requested_by)
            takes.append(take)
            publish_take(take)
            transaction.on_commit(partial(submit_take.delay, take.pk))
    return takes


def record_review(
    *, take: Take, author: User, action: str, reason_code: str = "", note: str = ""
) -> ReviewDecision:
    """Append a decision to the review log and derive the take's review status from it."""
    if action in (ReviewAction.APPROVE, ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES):
        if take.generation_status != GenerationStatus.SUCCEEDED:
            raise GenerationRefused("Only a finished take can be approved or rejected.")
    with transaction.atomic():
        decision = ReviewDecision.objects.create(
            take=take,
            author=author,
            action=action,
            reason_code=reason_code,
            note=note,
        )
        if action in REVIEW_STATUS_AFTER:
            Take.objects.filter(pk=take.pk).update(
                review_status=REVIEW_STATUS_AFTER[ReviewAction(action)]
            )
        if action == ReviewAction.APPROVE:
            # One approved take per scene: the others it replaces are superseded.
            Take.objects.filter(
                scene_id=take.scene_id,
                review_status__in=[ReviewStatus.UNREVIEWED, ReviewStatus.APPROVED],
            ).exclude(pk=take.pk).update(review_status=ReviewStatus.SUPERSEDED)
        take.refresh_from_db()
        publish_take(take)
    return decision
