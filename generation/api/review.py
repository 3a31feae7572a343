"""Review decisions and comments, through the review room's forms and services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from generation.api.auth import caller, episode_for, scene_for, writer
from generation.api.fields import ID_MAX, NO_NUL, SOME_TEXT
from generation.api.problems import Problem, form_problem
from generation.models import ReviewDecision, Take
from generation.review.comments import add_comment
from generation.review.forms import BatchReviewForm, CommentForm, ReviewForm
from generation.review.services import record_batch_review, record_review
from generation.services import GenerationRefused
from projects.access import require
from projects.models import Membership

router = Router(tags=["review"])


# 0 to 3600 with at most two decimals, as the review room's comment form takes it.
SECONDS = r"^(3600(\.0{1,2})?|([0-9]{1,3}|[0-2][0-9]{3}|3[0-5][0-9]{2})(\.[0-9]{1,2})?)$"
Action = Literal["approve", "request_changes", "reject", "reopen", "comment", "hold", "resume"]


class DecisionIn(Schema):
    """Rejecting or requesting changes needs a reason code and a note (422 otherwise)."""

    action: Action
    reason_code: str = Field("", max_length=40, pattern=NO_NUL)
    note: str = Field("", max_length=4000, pattern=NO_NUL)


class DecisionOut(Schema):
    id: int
    take_id: int
    action: str
    reason_code: str
    note: str
    author: str
    created_at: datetime


class CommentIn(Schema):
    text: str = Field(max_length=4000, pattern=SOME_TEXT)
    at_seconds: str = Field("0", pattern=SECONDS, description="0 to 3600, two decimals at most")
    parent: int | None = None


class CommentOut(Schema):
    id: int
    take_id: int
    text: str
    at_seconds: str


def decision_out(decision: ReviewDecision) -> DecisionOut:
    return DecisionOut(
        id=decision.pk, take_id=decision.take_id, action=decision.action,
        reason_code=decision.reason_code, note=decision.note,
        author=decision.author.username if decision.author else "", created_at=decision.created_at,
    )  # fmt: skip


def _take(request: HttpRequest, take_id: int, *, write: bool) -> tuple[Take, Membership]:
    found = writer(request) if write else caller(request)
    take = get_object_or_404(Take.objects.select_related("scene__episode__project"), pk=take_id)
    _, member = scene_for(found, take.scene_id)
    return take, member


@router.get("/takes/{take_id}/decisions", response=list[DecisionOut])
def decisions(request: HttpRequest, take_id: int) -> list[DecisionOut]:
    """The take's review log, oldest first."""
    take, _ = _take(request, take_id, write=False)
    log = ReviewDecision.objects.filter(take=take).select_related("author").order_by("pk")
    return [decision_out(d) for d in log]


@router.post("/takes/{take_id}/decisions", response={201: DecisionOut})
def decide(request: HttpRequest, take_id: int, payload: DecisionIn) -> Status[DecisionOut]:
    """Approve, request changes, reject (a reason and a note), reopen, … as the review room."""
    take, member = _take(request, take_id, write=True)
    require(member.can_review, member)
    form = ReviewForm(payload.dict())
    if not form.is_valid():
        raise form_problem(form)
    try:
        made = record_review(take=take, author=caller(request).user, **form.cleaned_data)
    except GenerationRefused as exc:
        raise Problem(409, str(exc), "review-refused") from None
    return Status(201, decision_out(made))


@router.post("/takes/{take_id}/comments", response={201: CommentOut})
def comment(request: HttpRequest, take_id: int, payload: CommentIn) -> Status[CommentOut]:
    """A comment pinned to a time in the take (or a reply to one)."""
    take, member = _take(request, take_id, write=True)
    require(member.can_comment, member)
    form = CommentForm(payload.dict())
    if not form.is_valid():
        raise form_problem(form)
    data = form.cleaned_data
    try:
        made = add_comment(take=take, author=caller(request).user, text=data["text"],
                           at_seconds=data["at_seconds"], parent_id=data["parent"])  # fmt: skip
    except GenerationRefused as exc:
        raise Problem(409, str(exc), "comment-refused") from None
    return Status(201, CommentOut(id=made.pk, take_id=take.pk, text=made.text,
                           at_seconds=f"{made.at_seconds}"))  # fmt: skip


class BatchDecisionIn(Schema):
    """One decision on several scenes' current takes, as the review room's filmstrip."""

    scene_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(min_length=1, max_length=2000)
    action: Literal["approve", "request_changes"]
    reason_code: str = Field("", max_length=40, pattern=NO_NUL)
    note: str = Field("", max_length=4000, pattern=NO_NUL)


class BatchDecisionOut(Schema):
    decisions: list[DecisionOut]
    refused: list[str]


@router.post("/episodes/{episode_id}/decisions", response=BatchDecisionOut)
def decide_batch(
    request: HttpRequest, episode_id: int, payload: BatchDecisionIn
) -> BatchDecisionOut:
    """Approve or request changes on several scenes at once; says which it refused and why."""
    found = writer(request)
    episode, member = episode_for(found, episode_id)
    require(member.can_review, member)
    data = payload.dict()
    data["scenes"] = [str(pk) for pk in data.pop("scene_ids")]
    form = BatchReviewForm(data, episode=episode)
    if not form.is_valid():
        raise form_problem(form)
    clean = form.cleaned_data
    made, refused = record_batch_review(
        scenes=clean["scenes"], author=found.user, action=clean["action"],
        reason_code=clean["reason_code"], note=clean["note"],
    )  # fmt: skip
    for decision in made:
        decision.author = found.user
    return BatchDecisionOut(decisions=[decision_out(d) for d in made], refused=refused)
