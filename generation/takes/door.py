"""The one door: every take is created by `start_takes`, which checks every rule first.

Generate one, Generate all and batches, Resubmit, Retry on the fallback (by a person or
automatically), Remix: each calls `start_takes` with its `kind`. Under the project's
budget row lock (and each scene's row lock, which numbers its takes) it checks, in this
order, and answers per scene what it refused and why, in the same words for every path:

1. the requester's role (may generate; a paid batch needs a producer or owner) and that
   the project is not archived;
2. the scene is not generating already, and the source take may be resubmitted/remixed;
3. the requester may still use every cast member (Character.objects.visible_to);
4. the provider's rules (its module's descriptor): characters per shot, counting speakers
   who are characters of the library; the durations it accepts; no human face where it
   refuses faces; a credential where it costs money;
5. the project's retake cap per scene (every take counts, rejected and failed ones too),
   plus one take per producer's "Allow one more take" in the scene's review log
   (`takes_left`), after the provider's rules and before the price;
6. the price table and the budget (the scenes that passed, together), and, where asked,
   that the total the user confirmed is still the total.

The takes it creates store the request they send (`Take.request`), compiled here once.
What the rules ask about the scenes (busy, usable cast, named speakers, take counts) is
read for all the request's scenes at once (`generation/takes/facts.py`), so a 50-scene
batch costs a fixed number of queries; the rules themselves are in `rules.py`, one
function each, and only this door calls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from generation.credentials import ProjectGenerationSettings
from generation.models import GenerationStatus, Take
from generation.money.budget import lock_budget, project_budget
from generation.money.pricing import BatchEstimate
from generation.prompts import build_request
from generation.takes.events import publish_take, submit_on_commit
from generation.takes.facts import RequestFacts, lock_scenes, read_facts
from generation.takes.rules import (
    Plan,
    Refusal,
    TakeKind,
    cast_rule,
    check_scene,
    people_in_shot,
    review_note,
    takes_left,
)
from projects.access import ARCHIVED, membership_in
from projects.models import Membership, Project, Scene

# The door's answers; the rules (generation/takes/rules.py) are its own helpers.
__all__ = [
    "Refusal",
    "TakeKind",
    "TakeStart",
    "cast_refusal",
    "people_in_shot",
    "start_takes",
    "takes_left",
]


@dataclass
class TakeStart:
    """What `start_takes` did: the takes it created and, per scene, what it refused."""

    takes: list[Take] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    # The price of the scenes that passed every rule (None when nothing passed).
    estimate: BatchEstimate | None = None
    # A batch whose total was not (or no longer) the one the user confirmed: nothing made.
    needs_confirmation: bool = False
    ready: list[Scene] = field(default_factory=list)

    @property
    def forbidden(self) -> bool:
        """Refused for the requester's role (403), not for the scenes (409)."""
        return any(r.code == "role" for r in self.refused)

    @property
    def message(self) -> str:
        """Every refusal, one per line."""
        return "\n".join(dict.fromkeys(r.reason for r in self.refused))


def start_takes(
    *,
    scenes: Iterable[Scene],
    requested_by: User,
    kind: TakeKind,
    source_take: Take | None = None,
    provider: str | None = None,
    confirmed_total: str | None = None,
    corrections: str = "",
) -> TakeStart:
    """Create a queued take for every scene that passes every rule, under one lock.

    `source_take` is the take a resubmit, fallback or remix starts from; `provider`
    overrides the scene's own; `confirmed_total` is the batch total the user confirmed
    ("12.80"): a batch that costs money starts only with the total it costs now;
    `corrections` are appended to the compiled prompt (a continuity retake's notes).
    """
    scenes = list(scenes)
    if not scenes:
        return TakeStart()
    project = scenes[0].episode.project
    with transaction.atomic():
        lock_budget(project)
        result = _start(scenes, requested_by, kind, source_take, provider, confirmed_total)
        if corrections:
            for take in result.takes:
                take.append_corrections(corrections)
    return result


def _start(
    scenes: list[Scene],
    user: User,
    kind: TakeKind,
    source: Take | None,
    provider: str | None,
    confirmed_total: str | None,
) -> TakeStart:
    project = scenes[0].episode.project
    member = membership_in(user, project.studio_id)
    if member is None or not member.can_generate:
        return _refuse_all(scenes, _role_refusal(member), "role")
    if project.archived_at is not None:
        return _refuse_all(scenes, ARCHIVED, "role")
    locked = lock_scenes(scenes)
    facts = read_facts(locked, user)
    provider = provider or _provider_of(kind, source, project)
    result, plans = TakeStart(), []
    for scene in locked:
        plan = Plan(scene, provider or scene.effective_provider, None)
        refusal = check_scene(plan, user, kind, source, facts)
        if refusal:
            result.refused.append(refusal)
        else:
            plans.append(plan)
    if not plans:
        return result
    total = sum((p.cost for p in plans), Decimal("0"))
    result.estimate = BatchEstimate(len(plans), total)
    result.ready = [p.scene for p in plans]
    if kind == TakeKind.BATCH and total and not member.can_spend:
        reason = (
            "A batch that costs money needs a producer or an owner; writers start free "
            "(animatic) batches, or generate scenes one at a time."
        )
        return _refuse_all([p.scene for p in plans], reason, "role", result)
    if over := project_budget(project).refusal(result.estimate):
        return _refuse_all([p.scene for p in plans], over, "budget", result)
    asked = confirmed_total is not None or (kind == TakeKind.BATCH and total > 0)
    if asked and confirmed_total != f"{total:.2f}":
        result.needs_confirmation = True
        return result
    result.takes = Take.objects.bulk_create(
        [_prepare(plan, user, kind, source, facts) for plan in plans]
    )
    for take in result.takes:
        _announce(take, user, source)
    return result


def _role_refusal(member: Membership | None) -> str:
    role = member.get_role_display().lower() if member else "not a member"
    return f"Your role in this studio ({role}) may not generate takes."


def _refuse_all(
    scenes: Sequence[Scene], reason: str, code: str, result: TakeStart | None = None
) -> TakeStart:
    result = result or TakeStart()
    result.refused += [Refusal(scene, reason, code) for scene in scenes]
    result.estimate, result.ready = None, []
    return result


def _provider_of(kind: TakeKind, source: Take | None, project: Project) -> str | None:
    if kind == TakeKind.REMIX and source is not None:
        return source.provider  # a remix is made by the provider that made the video
    if kind in (TakeKind.FALLBACK, TakeKind.AUTO_FALLBACK):
        settings_ = ProjectGenerationSettings.objects.filter(project=project).first()
        return settings_.fallback_provider if settings_ else ""
    return None


def _prepare(
    plan: Plan, user: User, kind: TakeKind, source: Take | None, facts: RequestFacts
) -> Take:
    """The take to create for a plan that passed every rule (all are inserted at once)."""
    scene, compiled = plan.scene, plan.compiled
    assert compiled is not None  # every plan that passed was compiled
    width, height = scene.episode.project.frame_size
    sent = build_request(
        scene,
        prompt=compiled.text,
        width=width,
        height=height,
        duration=scene.duration_seconds,
        compiled=compiled,
    )
    remix = kind == TakeKind.REMIX and source is not None
    prompt = (review_note(source) or "") if remix and source else compiled.text
    number = (facts.takes.get(scene.pk, (0, None))[1] or 0) + 1
    return Take(
        scene=scene,
        number=number,
        replaces_id=source.pk if source else facts.newest.get(scene.pk),
        requested_by=user,
        provider=plan.provider,
        credential=plan.credential,
        prompt=prompt,
        request={k: v for k, v in asdict(sent).items() if k not in _OWN_FIELDS},
        remix_of_job_id=source.provider_job_id if remix and source else "",
        duration_seconds=scene.duration_seconds,
        width=width,
        height=height,
    )


def _announce(take: Take, user: User, source: Take | None) -> None:
    """A created take: its source resolved, its card pushed and its submit task due on commit."""
    if source is not None and source.generation_status == GenerationStatus.NEEDS_ATTENTION:
        source.mark_cancelled(f"Resolved by {user.username}: resubmitted.")
    publish_take(take)
    submit_on_commit(take.pk)


# Stored in their own columns, not in Take.request.
_OWN_FIELDS = {"prompt", "duration_seconds", "width", "height"}


def cast_refusal(scene: Scene, user: User) -> str:
    """Why `user` may not use the scene's cast any more ("" when they may): the door's
    rule 3, for paths that spend money on a scene without making a take (voicing)."""
    return cast_rule(scene, read_facts([scene], user))
