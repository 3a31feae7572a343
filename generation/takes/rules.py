"""The rules the door checks, one function each, in the door's order (`check_scene`).

Private to the door (`generation/takes/door.py`): every path that makes a take calls
`start_takes`, never these. The door also answers `takes_left`, `people_in_shot` and
`cast_refusal` for pages and paths that read a rule without making a take. What the rules
ask about the scenes is read for all of a request's scenes at once (`facts.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.contrib.auth.models import User

from characters.models import Character
from generation.credentials import ProviderCredential, find_credential
from generation.models import GenerationStatus, ReviewAction, ReviewDecision, Take
from generation.money.pricing import PriceBook, price_book
from generation.prompt_checks import face_refusal
from generation.prompts import CompiledPrompt, compile_scene
from generation.providers import ProviderError, get_provider_class
from generation.takes.facts import RequestFacts, cues, speakers
from projects.models import Scene


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
class Plan:
    """A scene on its way through the rules: what they chose and compiled for it."""

    scene: Scene
    provider: str
    credential: ProviderCredential | None
    compiled: CompiledPrompt | None = None
    cost: Decimal = Decimal("0")


def check_scene(
    plan: Plan, user: User, kind: TakeKind, source: Take | None, facts: RequestFacts
) -> Refusal | None:
    """The first rule the scene breaks, as a refusal; None when it may be generated."""
    scene = plan.scene
    for code, check in (
        ("busy", lambda: _busy(scene, facts)),
        ("take", lambda: _source_refusal(kind, source, plan.provider)),
        ("cast", lambda: cast_rule(scene, facts)),
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
    if source.generation_status != GenerationStatus.SUCCEEDED or review_note(source) is None:
        return "Only a finished take that was rejected can be remixed."
    return ""


def review_note(take: Take) -> str | None:
    decision = take.decisions.filter(  # type: ignore[attr-defined]
        action__in=[ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES]
    ).last()
    return None if decision is None else str(decision.note)


def cast_rule(scene: Scene, facts: RequestFacts) -> str:
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


def _provider_refusal(plan: Plan, facts: RequestFacts) -> str:
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


def _credential_refusal(plan: Plan, facts: RequestFacts) -> str:
    key = (plan.scene.episode.project.studio_id, plan.provider)
    if key not in facts.credentials:
        facts.credentials[key] = find_credential(studio_id=key[0], provider=key[1])
    plan.credential, missing = facts.credentials[key]
    return missing


def _compile(plan: Plan) -> str:
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


def _price(plan: Plan, books: dict[str, PriceBook]) -> str:
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
