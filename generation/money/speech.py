"""What speech costs: priced per character from the speech provider's own declaration, and
checked against the project's budget before a line is paid for (the one budget rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from generation.money.budget import project_budget

if TYPE_CHECKING:
    from generation.sound.providers import SpeechProvider
    from projects.models import Project

MILLION = Decimal(1_000_000)


class SpeechRefused(Exception):
    """Voicing a line would go over the project's budget; the message has the numbers."""


def speech_cost(provider: type[SpeechProvider], chars: int) -> Decimal:
    """The estimated price of speaking `chars` characters with this provider."""
    return (provider.price_per_million_chars * chars / MILLION).quantize(Decimal("0.000001"))


def check_speech_budget(*, project: Project, provider: type[SpeechProvider], chars: int) -> None:
    """Refuse a line whose estimate does not fit in what is left of the project's budget."""
    cost = speech_cost(provider, chars)
    if not cost:
        return
    budget = project_budget(project)
    left = budget.remaining
    if left is not None and cost > left:
        raise SpeechRefused(
            f"Refused: voicing this line costs ${cost:.6f} but the project has "
            f"${max(left, Decimal(0)):.2f} left of its ${budget.limit:.2f} budget."
        )


def speech_spent(project: Project) -> Decimal:
    """What voicing this project's lines has cost (every line it paid for)."""
    return project.dialogue_clips.aggregate(s=Sum("cost", default=Decimal("0")))["s"]  # type: ignore[attr-defined]
