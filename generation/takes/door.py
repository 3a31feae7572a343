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
batch costs a fixed number of queries; the rules themselves are all here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.contrib.auth.models import User
from django.db import transaction

from characters.models import Character
from generation.credentials import (
    ProjectGenerationSettings,
    ProviderCredential,
    find_credential,
)
from generation.models import (
    GenerationStatus,
    ReviewAction,
    ReviewDecision,
    Take,
)
from generation.money.budget import lock_budget, project_budget
from generation.money.pricing import BatchEstimate, PriceBook, price_book
from generation.prompt_checks import face_refusal
from generation.prompts import CompiledPrompt, build_request, compile_scene
from generation.providers import ProviderError, get_provider_class
from generation.takes.events import publish_take, submit_on_commit
from generation.takes.facts import RequestFacts, cues, lock_scenes, read_facts, speakers
from projects.access import ARCHIVED, membership_in
from projects.models import Membership, Project, Scene


class TakeKind(StrEnum):
    GENERATE = "generate"  # one scene, from its card
    BATCH = "batch"  # Generate all / the selected scenes, behind a price confirmation
    RESUBMIT = "resubmit"  # a failed, stalled, cancelled or unresolved take, again
    FALLBACK = "fallback"  # a person retries a take on the project's fallback provider
    AUTO_FALLBACK = "auto_fallback"  # the engine does, for the take's original requester
    REMIX = "remix"  # a provider-side remix of a rejected take with the review note
    # The continuity check's one automatic retake of a flagged take, for its requester,
    # with the judge's notes appended to the prompt as corrections.
    CONTINUITY_RETAKE = "continuity_retake"


@dataclass(frozen=True)
class Refusal:
    scene: Scene
    reason: str
    code: str  # role, busy, take, cast, provider, credential, cap, price, budget


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


@dataclass
class _Plan:
    scene: Scene
    provider: str
    credential: ProviderCredential | None
    compiled: CompiledPrompt | None = None
    cost: Decimal = Decimal("0")


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
        plan = _Plan(scene, provider or scene.effective_provider, None)
        refusal = _check_scene(plan, user, kind, source, facts)
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


def _check_scene(
    plan: _Plan, user: User, kind: TakeKind, source: Take | None, facts: RequestFacts
) -> Refusal | None:
    """The first rule the scene breaks, as a refusal; None when it may be generated."""
    scene = plan.scene
    for code, check in (
        ("busy", lambda: _busy(scene, facts)),
        ("take", lambda: _source_refusal(kind, source, plan.provider)),
        ("cast", lambda: _cast_refusal(scene, facts)),
        ("provider", lambda: _provider_refusal(plan, facts)),
        ("credential", lambda: _credential_refusal(plan, facts)),
        ("provider", lambda: _compile(plan)),
        ("cap", lambda: _cap_refusal(scene, facts)),
        ("price", lambda: _price(plan, facts.books)),
    ):
        if reason := check():
            return Refusal(scene, reason, code)
    return None


def _busy(scene: Scene, facts: RequestFacts) -> str:
    if scene.pk in facts.busy:
        return f"Scene {scene.position} already has a take in progress."
    return ""


def _source_refusal(kind: TakeKind, source: Take | None, provider: str) -> str:
    if kind in (TakeKind.GENERATE, TakeKind.BATCH, TakeKind.CONTINUITY_RETAKE):
        return ""
    if source is None:
        return "This needs the take it starts from."
    if kind == TakeKind.REMIX:
        return _remix_refusal(source)
    if not source.can_resubmit:
        return "Only a failed, stalled, cancelled or unresolved take can be resubmitted."
    if kind in (TakeKind.FALLBACK, TakeKind.AUTO_FALLBACK):
        if source.generation_status == GenerationStatus.BLOCKED:
            return "A take refused by moderation does not go to another provider."
        if provider and source.provider == provider:
            return f"This take already ran on the fallback ({source.provider})."
    return ""


def _remix_refusal(source: Take) -> str:
    if not (get_provider_class(source.provider).can_remix and source.provider_job_id):
        return "This take's provider cannot remix it: regenerate the scene."
    if source.generation_status != GenerationStatus.SUCCEEDED or _review_note(source) is None:
        return "Only a finished take that was rejected can be remixed."
    return ""


def _review_note(take: Take) -> str | None:
    decision = take.decisions.filter(  # type: ignore[attr-defined]
        action__in=[ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES]
    ).last()
    return None if decision is None else str(decision.note)


def _cast_refusal(scene: Scene, facts: RequestFacts) -> str:
    if any(c.pk not in facts.usable for c in scene.cast.all()):
        return f"Scene {scene.position} casts a character you can no longer use: recast it first."
    return ""


def _people(scene: Scene, speakers: list[Character]) -> list[str]:
    names = {c.pk: c.name for c in scene.cast.all()}
    handles, cue_names = cues(scene)
    folded = {name.casefold() for name in cue_names}
    for character in speakers:
        if character.handle in handles or character.name.casefold() in folded:
            names.setdefault(character.pk, character.name)
    return list(names.values())


def people_in_shot(scene: Scene, user: User) -> list[str]:
    """Who is in the shot: the cast, and speakers who are characters of the library.

    A speaker is a library character when the cue is a character's @handle or display
    name that the requester may see; other cues (a voice, a passer-by) do not count.
    """
    return _people(scene, speakers([scene], Character.objects.visible_to(user)))


def _provider_refusal(plan: _Plan, facts: RequestFacts) -> str:
    scene, name = plan.scene, plan.provider
    if not name:
        return "This project names no fallback provider."
    try:
        cls = get_provider_class(name)
    except ProviderError as exc:  # a provider no longer configured: say so, never a 500
        return str(exc)
    limit = cls.capabilities.max_characters
    people = _people(scene, facts.speakers)
    if len(people) > limit:
        return (
            f"Scene {scene.position} has {len(people)} characters in one shot; {cls.label} "
            f"takes at most {limit}. Split the scene."
        )
    durations = cls.capabilities.durations
    if scene.duration_seconds not in durations:
        accepted = ", ".join(f"{d}" for d in sorted(durations))
        return (
            f"Scene {scene.position} lasts {scene.duration_seconds} s; {cls.label} takes "
            f"{accepted} s: change its duration."
        )
    return ""


def _credential_refusal(plan: _Plan, facts: RequestFacts) -> str:
    key = (plan.scene.episode.project.studio_id, plan.provider)
    if key not in facts.credentials:
        facts.credentials[key] = find_credential(studio_id=key[0], provider=key[1])
    plan.credential, missing = facts.credentials[key]
    return missing


def _compile(plan: _Plan) -> str:
    plan.compiled = compile_scene(plan.scene, provider=plan.provider, credential=plan.credential)
    if refusal := face_refusal(plan.compiled):  # refused before anything is sent or paid for
        return f"Scene {plan.scene.position}: {refusal}"
    return ""


def takes_left(scene: Scene) -> int | None:
    """Takes the scene may still have under the project's cap (None: no cap).

    Every take counts; each producer's "Allow one more take" in the review log adds one.
    """
    if scene.episode.project.retake_cap is None:
        return None
    allowed = ReviewDecision.objects.filter(take__scene=scene, action=ReviewAction.ALLOW_RETAKE)
    return _left(scene, allowed.count(), scene.takes.count())  # type: ignore[attr-defined]


def _left(scene: Scene, allowed: int, made: int) -> int | None:
    cap = scene.episode.project.retake_cap
    return None if cap is None else max(cap + allowed - made, 0)


def _cap_refusal(scene: Scene, facts: RequestFacts) -> str:
    made = facts.takes.get(scene.pk, (0, None))[0]
    if _left(scene, facts.allowed.get(scene.pk, 0), made) != 0:
        return ""
    cap = scene.episode.project.retake_cap
    return (
        f"Scene {scene.position} has had its {cap} take(s), the project's cap per scene: "
        "an owner or producer raises it in the project's settings, or allows one more take "
        "in the review room."
    )


def _price(plan: _Plan, books: dict[str, PriceBook]) -> str:
    if plan.provider not in books:
        studio_id = plan.scene.episode.project.studio_id
        books[plan.provider] = price_book(studio_id=studio_id, provider=plan.provider)
    book = books[plan.provider]
    width, height = plan.scene.episode.project.frame_size
    cost = book.cost(seconds=plan.scene.duration_seconds, width=width, height=height)
    if cost is None:
        return book.missing(width=width, height=height)
    plan.cost = cost
    return ""


def _prepare(
    plan: _Plan, user: User, kind: TakeKind, source: Take | None, facts: RequestFacts
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
    prompt = (_review_note(source) or "") if remix and source else compiled.text
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
    return _cast_refusal(scene, read_facts([scene], user))
