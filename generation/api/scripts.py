"""An episode's script: read it, preview a breakdown, apply it with the preview's fingerprint.

The script editor's services, unchanged: `plan_breakdown` with the project's provider's
rules, then `apply_breakdown` with the fingerprint the client saw (409 when anything
moved since, exactly as the editor's "check again").
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from generation.api.auth import caller, episode_for, writer
from generation.api.fields import NO_NUL
from generation.api.problems import Problem
from generation.providers import shot_rules
from projects.access import require
from projects.breakdown import BreakdownPlan, plan_breakdown
from projects.services import PlanOutdated, PlanRefused, apply_breakdown

router = Router(tags=["scripts"])
MAX_SCRIPT = 200_000


class ScriptOut(Schema):
    episode_id: int
    text: str


class ScriptIn(Schema):
    text: str = Field(max_length=MAX_SCRIPT, pattern=NO_NUL)


class ApplyIn(ScriptIn):
    fingerprint: str = Field(
        max_length=64, pattern=NO_NUL, description="The preview's fingerprint."
    )


class ProblemLine(Schema):
    line: int
    message: str
    fix: str


class PlannedOut(Schema):
    position: int
    kind: str  # new, changed, kept
    heading: str
    duration_seconds: int
    cast: list[str]


class PreviewOut(Schema):
    fingerprint: str
    summary: str
    refusal: str
    scenes: list[PlannedOut]
    removed: list[int]
    problems: list[ProblemLine]


def preview_out(plan: BreakdownPlan) -> PreviewOut:
    return PreviewOut(
        fingerprint=plan.fingerprint,
        summary=plan.summary,
        refusal=plan.refusal,
        scenes=[
            PlannedOut(
                position=i,
                kind=item.kind,
                heading=item.parsed.heading,
                duration_seconds=item.parsed.duration_seconds,
                cast=[c.handle for c in item.cast],
            )  # fmt: skip
            for i, item in enumerate(plan.items, start=1)
        ],
        removed=[s.pk for s in plan.removed],
        problems=[ProblemLine(line=p.line, message=p.message, fix=p.fix) for p in plan.problems],
    )


@router.get("/episodes/{episode_id}/script", response=ScriptOut)
def script(request: HttpRequest, episode_id: int) -> ScriptOut:
    episode, _ = episode_for(caller(request), episode_id)
    return ScriptOut(episode_id=episode.pk, text=episode.script)


@router.post("/episodes/{episode_id}/script/preview", response=PreviewOut)
def preview(request: HttpRequest, episode_id: int, payload: ScriptIn) -> PreviewOut:
    """What applying this text would change (new, changed, removed scenes); writes nothing."""
    found = writer(request)
    episode, member = episode_for(found, episode_id)
    require(member.can_edit_script, member)
    rules = shot_rules(episode.project.provider)
    plan = plan_breakdown(episode=episode, text=payload.text, user=found.user, rules=rules)
    return preview_out(plan)


@router.put("/episodes/{episode_id}/script", response=PreviewOut)
def apply(request: HttpRequest, episode_id: int, payload: ApplyIn) -> PreviewOut:
    """Apply the text whose preview had this fingerprint; 409 when anything changed since."""
    found = writer(request)
    episode, member = episode_for(found, episode_id)
    require(member.can_edit_script, member)
    try:
        plan = apply_breakdown(
            episode=episode, text=payload.text, edited_by=found.user,
            confirmed=payload.fingerprint, note="Saved through the API",
            rules=shot_rules(episode.project.provider),
        )  # fmt: skip
    except PlanRefused as exc:
        raise Problem(422, str(exc), "script-refused") from None
    except PlanOutdated as exc:
        raise Problem(409, str(exc), "preview-outdated") from None
    return preview_out(plan)
