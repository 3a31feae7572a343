"""What speech costs: priced per character from the speech provider's own declaration, and
checked against the project's budget before a line is paid for (the one budget rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from generation.money.budget import project_budget
from generation.money.design import design_budget

if TYPE_CHECKING:
    from generation.sound.providers import SpeechProvider
    from projects.models import Project

MILLION = Decimal(1_000_000)


class SpeechRefused(Exception):
    """Voicing a line would go over the project's budget; the message has the numbers."""


def speech_cost(provider: type[SpeechProvider], chars: int) -> Decimal:
    """The estimated price of speaking `chars` characters with this provider."""
    return (provider.price_per_million_chars * chars / MILLION).quantize(Decimal("0.000001"))


def check_speech_budget(
    *, project: Project | None, studio_id: int, provider: type[SpeechProvider], chars: int
) -> None:
    """Refuse a paid line whose estimate does not fit in what is left of its payer's budget:
    a project's line its project's, a voice sample (no project) its studio's character
    design budget (the rule of Design with AI: a character's own work is the studio's)."""
    cost = speech_cost(provider, chars)
    if not cost:
        return  # a free voice (espeak-ng) is never refused
    if project is not None:
        refusal = project_budget(project).refusal_for(cost, "voicing this line costs")
    else:
        refusal = design_budget(studio_id).refusal(cost, "this voice sample costs")
    if refusal:
        raise SpeechRefused(refusal)


def speech_spent(project: Project) -> Decimal:
    """What voicing this project's lines has cost (every line it paid for)."""
    return project.dialogue_clips.aggregate(s=Sum("cost", default=Decimal("0")))["s"]  # type: ignore[attr-defined]
