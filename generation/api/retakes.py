"""Another take from a take: resubmit, retry on the fallback provider, remix, retake.

Each goes through the one door (`start_takes`) with the kind and the source take exactly
as the pages do (`generation/views.py` `_new_take_from`; the review room's retake through
`generation.review.services.start_retake`), behind an Idempotency-Key like `POST …/takes`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Router, Schema

from generation.api.auth import Caller, writer
from generation.api.idempotency import run_once
from generation.api.problems import Problem
from generation.api.takes import TakeOut, _take, take_out
from generation.review.services import start_retake
from generation.services import GenerationRefused
from generation.takes.door import TakeKind, start_takes
from projects.access import require

router = Router(tags=["takes"])


class RetakeIn(Schema):
    remix: bool = Field(False, description="true: remix the take with its review note.")


def _from_door(request: HttpRequest, take_id: int, kind: TakeKind) -> HttpResponseBase:
    found: Caller = writer(request)
    source, _ = _take(found, take_id)

    def work() -> tuple[int, object]:
        started = start_takes(
            scenes=[source.scene], requested_by=found.user, kind=kind, source_take=source
        )
        if started.forbidden:
            raise Problem(403, started.message, "role")
        if not started.takes:
            refused = [{"scene_id": r.scene.pk, "code": r.code, "reason": r.reason}
                       for r in started.refused]  # fmt: skip
            raise Problem(409, started.message or "No take was started.", "nothing-started",
                          refused=refused)  # fmt: skip
        return 202, take_out(started.takes[0]).dict()

    return run_once(request, found, work)


@router.post("/takes/{take_id}/resubmit", response={202: TakeOut}, summary="Resubmit a take")
def resubmit(request: HttpRequest, take_id: int) -> HttpResponseBase:
    """The same scene again, for a take that failed, stalled, was cancelled or is unresolved."""
    return _from_door(request, take_id, TakeKind.RESUBMIT)


@router.post("/takes/{take_id}/fallback", response={202: TakeOut}, summary="Retry on the fallback")
def fallback(request: HttpRequest, take_id: int) -> HttpResponseBase:
    """Retry the take on the project's fallback provider."""
    return _from_door(request, take_id, TakeKind.FALLBACK)


@router.post(
    "/takes/{take_id}/remix", response={202: TakeOut}, summary="Remix with the review note"
)
def remix(request: HttpRequest, take_id: int) -> HttpResponseBase:
    """A provider-side remix of a rejected take, with the review note as the instruction."""
    return _from_door(request, take_id, TakeKind.REMIX)


@router.post("/takes/{take_id}/retake", response={202: TakeOut}, summary="Retake a reviewed take")
def retake(request: HttpRequest, take_id: int, payload: RetakeIn) -> HttpResponseBase:
    """The review room's Regenerate (or Remix): a new take of a reviewed take's scene."""
    found = writer(request)
    source, member = _take(found, take_id)
    require(member.can_generate)

    def work() -> tuple[int, object]:
        try:
            new = start_retake(take=source, requested_by=found.user, remix=payload.remix)
        except GenerationRefused as exc:
            raise Problem(409, str(exc), "retake-refused") from None
        return 202, take_out(new).dict()

    return run_once(request, found, work)
