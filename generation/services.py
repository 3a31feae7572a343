"""Workflows of the generation app: requesting takes and reviewing them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max

from characters.models import Character
from generation.budget import project_budget
from generation.credentials import ProviderCredential
from generation.models import (
    ACTIVE_STATUSES,
    REVIEW_STATUS_AFTER,
    GenerationStatus,
    ReviewAction,
    ReviewDecision,
    ReviewStatus,
    Take,
)
from generation.pricing import BatchEstimate, estimate_batch
from generation.prompt_checks import face_refusal
from generation.prompts import compile_scene
from generation.providers import get_provider_class
from projects.live import publish_scene_changed
from projects.models import Project, Scene

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


def credential_for(*, studio_id: int, provider: str) -> ProviderCredential | None:
    """The studio's credential for a remote provider; refused if it needs one and has none."""
    if not get_provider_class(provider).needs_credential:
        return None
    credential = ProviderCredential.objects.filter(studio_id=studio_id, provider=provider).first()
    if credential is None:
        raise GenerationRefused(
            f"This studio has no credential for the provider {provider!r}: an owner adds one "
            "under Providers."
        )
    return credential


def check_spending(*, project: Project, scenes: list[Scene]) -> BatchEstimate:
    """The cost of one take of each scene; refused when a price is unknown or over budget."""
    estimate = estimate_batch(scenes)
    refusal = estimate.unknown or project_budget(project).refusal(estimate)
    if refusal:
        raise GenerationRefused(refusal)
    return estimate


def _check_cast(scene: Scene, user: User) -> None:
    cast = list(scene.cast.all())
    visible = set(Character.objects.visible_to(user).filter(pk__in=[c.pk for c in cast]))
    if len(visible) < len(cast):
        raise GenerationRefused(
            f"Scene {scene.position} casts a character you can no longer use: recast it first."
        )


def _new_take(scene: Scene, user: User, provider: str | None = None) -> Take:
    project = scene.episode.project
    provider = provider or scene.effective_provider
    width, height = project.frame_size
    credential = credential_for(studio_id=project.studio_id, provider=provider)
    compiled = compile_scene(scene, provider=provider, credential=credential)
    refusal = face_refusal(compiled)
    if refusal:  # refused before anything is sent or paid for
        raise GenerationRefused(f"Scene {scene.position}: {refusal}")
    latest = scene.takes.order_by("-number").first()  # type: ignore[attr-defined]
    number = (scene.takes.aggregate(n=Max("number"))["n"] or 0) + 1  # type: ignore[attr-defined]
    cap = project.retake_cap
    if cap is not None and number > cap:  # every take counts, rejected and failed ones too
        raise GenerationRefused(
            f"Scene {scene.position} has had its {cap} take(s), the project's cap per scene: "
            "an owner or producer raises it in the project's settings."
        )
    return Take.objects.create(
        scene=scene,
        number=number,
        replaces=latest,
        requested_by=user,
        provider=provider,
        credential=credential,
        prompt=compiled.text,
        duration_seconds=scene.duration_seconds,
        width=width,
        height=height,
    )


def request_takes(
    *, scenes: Iterable[Scene], requested_by: User, provider: str | None = None
) -> list[Take]:
    """Create a queued take for each scene that has none in progress, and enqueue them.

    A scene already generating is skipped, so a double click never pays twice.
    `provider` overrides the scene's own (a resubmission on the fallback).
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
            take = _new_take(locked, requested_by, provider)
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


def cancel_take(*, take: Take, cancelled_by: User) -> bool:
    """Cancel a take at any stage before it finished; its slot goes to the next take."""
    if not take.mark_cancelled(f"Cancelled by {cancelled_by.username}."):
        return False
    if take.credential_id:
        from generation import slots
        from generation.engine import start_waiting

        credential_id, take_id = take.credential_id, take.pk
        transaction.on_commit(lambda: start_waiting(slots.release(credential_id, take_id)))
    publish_take(take)
    return True


def resubmit_take(*, take: Take, requested_by: User, provider: str | None = None) -> Take:
    """A person sends a stalled, failed, cancelled or unresolved take again, as a new take."""
    if not take.can_resubmit:
        raise GenerationRefused(
            "Only a failed, stalled, cancelled or unresolved take can be resubmitted."
        )
    with transaction.atomic():
        if take.generation_status == GenerationStatus.NEEDS_ATTENTION:
            take.mark_cancelled(f"Resolved by {requested_by.username}: resubmitted.")
        takes = request_takes(scenes=[take.scene], requested_by=requested_by, provider=provider)
    if not takes:
        raise GenerationRefused("This scene already has a take in progress.")
    return takes[0]


def request_fallback_take(*, take: Take, requested_by: User) -> Take:
    """Re-queue a take that failed for availability on the project's fallback provider."""
    settings_ = getattr(take.scene.episode.project, "generation_settings", None)
    if settings_ is None or not settings_.fallback_provider:
        raise GenerationRefused("This project names no fallback provider.")
    if take.generation_status == GenerationStatus.BLOCKED:
        raise GenerationRefused("A take refused by moderation does not go to another provider.")
    if take.provider == settings_.fallback_provider:
        raise GenerationRefused(f"This take already ran on the fallback ({take.provider}).")
    return resubmit_take(take=take, requested_by=requested_by, provider=settings_.fallback_provider)


def handle_video_event(*, credential_id: int, job_id: str) -> bool:
    """A provider says a job finished: poll its take now instead of waiting for the next poll."""
    from generation.tasks import poll_take

    take = Take.objects.filter(
        credential_id=credential_id,
        provider_job_id=job_id,
        generation_status__in=(GenerationStatus.SUBMITTED, GenerationStatus.RUNNING),
    ).first()
    if take is None:
        return False
    transaction.on_commit(partial(poll_take.delay, take.pk))
    return True


def request_remix(*, take: Take, requested_by: User) -> Take:
    """Carry a rejection's note into a provider-side remix of the take, as a new take."""
    decision = take.decisions.filter(  # type: ignore[attr-defined]
        action__in=[ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES]
    ).last()
    if not (get_provider_class(take.provider).can_remix and take.provider_job_id):
        raise GenerationRefused("This take's provider cannot remix it: regenerate the scene.")
    if take.generation_status != GenerationStatus.SUCCEEDED or decision is None:
        raise GenerationRefused("Only a finished take that was rejected can be remixed.")
    from generation.tasks import submit_take

    with transaction.atomic():
        scene = Scene.objects.select_for_update().get(pk=take.scene_id)
        if scene.takes.filter(generation_status__in=ACTIVE_STATUSES).exists():  # type: ignore[attr-defined]
            raise GenerationRefused("This scene already has a take in progress.")
        number = (scene.takes.aggregate(n=Max("number"))["n"] or 0) + 1  # type: ignore[attr-defined]
        remix = Take.objects.create(
            scene=scene, number=number, replaces=take, requested_by=requested_by,
            provider=take.provider, credential=take.credential, prompt=decision.note,
            remix_of_job_id=take.provider_job_id, duration_seconds=take.duration_seconds,
            width=take.width, height=take.height,
        )  # fmt: skip
        publish_take(remix)
        transaction.on_commit(partial(submit_take.delay, remix.pk))
    return remix
