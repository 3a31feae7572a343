"""Takes: an estimate, a confirmed request through the one door, status, cancel, video.

Requests go through `generation.takes.door.start_takes` with the Generate all rules
(`batch_scenes`: the picked scenes, or every scene that needs a take) and the price
confirmation the pages use: the client confirms the total it was shown.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from characters.protected_media import serve_file
from generation.api.auth import Caller, caller, episode_for, scene_for, writer
from generation.api.idempotency import run_once
from generation.api.models import ApiBatch
from generation.api.problems import Problem
from generation.api.webhooks import watch_batch_on_commit
from generation.models import ACTIVE_STATUSES, Take
from generation.money.budget import project_budget
from generation.services import cancel_take
from generation.spending_views import batch_scenes
from generation.takes.door import TakeKind, TakeStart, start_takes
from projects.access import require
from projects.models import Episode, Membership

router = Router(tags=["takes"])
API_ROOT = "/api/v1"
# Never the total of anything: the door then only prices the scenes and starts nothing.
ESTIMATE_ONLY = "estimate"
MONEY = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
NOTHING = "Nothing to generate: every scene has a take or one in progress."


ReviewFilter = Literal[
    "", "unreviewed", "approved", "changes_requested", "rejected", "superseded", "on_hold"
]


class ScenesIn(Schema):
    scene_ids: list[int] = Field(
        default_factory=list, max_length=2000,
        description="Scenes to generate; empty: every scene that needs a take.",
    )  # fmt: skip


class RequestIn(ScenesIn):
    confirmed_total: str = Field(
        pattern=MONEY, description='The estimate\'s total, confirmed (e.g. "19.20").'
    )


class RefusalOut(Schema):
    scene_id: int
    position: int
    code: str
    reason: str


class EstimateOut(Schema):
    scenes: list[int]
    total: str
    currency: str = "USD"
    budget_remaining: str | None
    refused: list[RefusalOut]


class TakeOut(Schema):
    id: int
    scene_id: int
    scene_position: int
    number: int
    provider: str
    generation_status: str
    progress: int
    review_status: str
    error: str
    cost: str
    created_at: datetime
    finished_at: datetime | None
    video_url: str | None


class BatchOut(Schema):
    id: int
    episode_id: int
    status_url: str
    done: bool
    takes: list[TakeOut]
    refused: list[RefusalOut] = []


def take_out(take: Take) -> TakeOut:
    return TakeOut(
        id=take.pk, scene_id=take.scene_id, scene_position=take.scene.position,
        number=take.number, provider=take.provider, generation_status=take.generation_status,
        progress=take.progress, review_status=take.review_status, error=take.error,
        cost=f"{take.cost:.2f}", created_at=take.created_at, finished_at=take.finished_at,
        video_url=f"{API_ROOT}/takes/{take.pk}/video" if take.video else None,
    )  # fmt: skip


def _refusals(started: TakeStart) -> list[RefusalOut]:
    return [
        RefusalOut(scene_id=r.scene.pk, position=r.scene.position, code=r.code, reason=r.reason)
        for r in started.refused
    ]


def _ask_door(found: Caller, episode: Episode, scene_ids: list[int], total: str) -> TakeStart:
    started = start_takes(
        scenes=batch_scenes(episode, [str(pk) for pk in scene_ids]),
        requested_by=found.user, kind=TakeKind.BATCH, confirmed_total=total,
    )  # fmt: skip
    if started.forbidden:
        raise Problem(403, started.message, "role")
    return started


def _estimate(episode: Episode, started: TakeStart) -> EstimateOut:
    remaining = project_budget(episode.project).remaining
    return EstimateOut(
        scenes=[s.pk for s in started.ready],
        total=f"{started.estimate.total:.2f}" if started.estimate else "0.00",
        budget_remaining=None if remaining is None else f"{remaining:.2f}",
        refused=_refusals(started),
    )


def batch_out(batch: ApiBatch, refused: list[RefusalOut] | None = None) -> BatchOut:
    takes = list(batch.takes.select_related("scene").order_by("scene__position"))
    return BatchOut(
        id=batch.pk, episode_id=batch.episode_id, status_url=f"{API_ROOT}/batches/{batch.pk}",
        done=all(t.generation_status not in ACTIVE_STATUSES for t in takes),
        takes=[take_out(t) for t in takes], refused=refused or [],
    )  # fmt: skip


@router.post("/episodes/{episode_id}/takes/estimate", response=EstimateOut)
def estimate(request: HttpRequest, episode_id: int, payload: ScenesIn) -> EstimateOut:
    """What generating these scenes would cost, and which the door would refuse; starts nothing."""
    found = caller(request)
    episode, _ = episode_for(found, episode_id)
    return _estimate(episode, _ask_door(found, episode, payload.scene_ids, ESTIMATE_ONLY))


@router.post("/episodes/{episode_id}/takes", response={202: BatchOut}, summary="Request takes")
def request_takes(request: HttpRequest, episode_id: int, payload: RequestIn) -> HttpResponseBase:
    """Start takes for the scenes at the confirmed total (send an Idempotency-Key).

    Answers 202 with the batch's status URL at once; 409 `confirm-total` (with the new
    estimate) when the total is no longer the confirmed one; 409 `nothing-started` when
    the door refused every scene, each with its reason.
    """
    found = writer(request)
    episode, _ = episode_for(found, episode_id)

    def work() -> tuple[int, object]:
        started = _ask_door(
            found, episode, payload.scene_ids, f"{Decimal(payload.confirmed_total):.2f}"
        )
        if started.needs_confirmation:
            new = _estimate(episode, started)
            raise Problem(409, f"The total is now {new.total}: confirm it again.",
                          "confirm-total", estimate=new.dict())  # fmt: skip
        if not started.takes:
            refused = [r.dict() for r in _refusals(started)]
            detail = started.message or NOTHING
            raise Problem(409, detail, "nothing-started", refused=refused)
        batch = ApiBatch.objects.create(episode=episode, requested_by=found.user)
        batch.takes.set(started.takes)
        watch_batch_on_commit(batch.pk)
        return 202, batch_out(batch, _refusals(started)).dict()

    return run_once(request, found, work)


@router.get("/batches/{batch_id}", response=BatchOut)
def batch(request: HttpRequest, batch_id: int) -> BatchOut:
    found = caller(request)
    found_batch = get_object_or_404(ApiBatch, pk=batch_id)
    episode_for(found, found_batch.episode_id)  # 404 unless the caller may see the episode
    return batch_out(found_batch)


@router.get("/episodes/{episode_id}/takes", response=list[TakeOut])
def takes(
    request: HttpRequest,
    episode_id: int,
    review_status: ReviewFilter = "",
    current: bool = False,
) -> list[TakeOut]:
    """The episode's takes; `review_status=approved` for the approved ones; `current`: the
    latest take per scene only."""
    episode, _ = episode_for(caller(request), episode_id)
    found = Take.objects.filter(scene__episode=episode, scene__archived_at__isnull=True)
    if review_status:
        found = found.filter(review_status=review_status)
    found = found.select_related("scene").order_by("scene__position", "-number")
    if current:
        latest: dict[int, Take] = {}
        for take in found:
            latest.setdefault(take.scene_id, take)
        return [take_out(t) for t in latest.values()]
    return [take_out(t) for t in found]


def _take(found: Caller, take_id: int) -> tuple[Take, Membership]:
    take = get_object_or_404(Take.objects.select_related("scene"), pk=take_id)
    _, member = scene_for(found, take.scene_id)
    return take, member


@router.get("/takes/{take_id}", response=TakeOut)
def take(request: HttpRequest, take_id: int) -> TakeOut:
    found, _ = _take(caller(request), take_id)
    return take_out(found)


@router.post("/takes/{take_id}/cancel", response=TakeOut)
def cancel(request: HttpRequest, take_id: int) -> TakeOut:
    """Cancel a take before it finished (409 when it had already finished)."""
    found = writer(request)
    found_take, member = _take(found, take_id)
    require(member.can_generate, member)
    with transaction.atomic():
        if not cancel_take(take=found_take, cancelled_by=found.user):
            raise Problem(409, f"Take {found_take.number} had already finished.", "finished")
    found_take.refresh_from_db()
    return take_out(found_take)


@router.get(
    "/takes/{take_id}/video", summary="Download a take's video (MP4)", url_name="take_video"
)
def video(request: HttpRequest, take_id: int) -> HttpResponseBase:
    found, _ = _take(caller(request), take_id)
    return serve_file(request, found.video, content_type="video/mp4")
