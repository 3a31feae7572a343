"""Money for chat models (the continuity judge, script drafts): prices per million tokens,
the one table, and the one way a chat call is recorded with what it cost.

A call's cost is taken from the tokens the answer reports (`usage`); an answer without
`usage` is charged at the estimate made before the call. A model the table does not name
(an aggregator's) is priced like the dearest model here, so an estimate is never zero
for a paid call. See docs/continuity.md, "What the judge costs", and docs/script-format.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.db import models

MILLION = Decimal(1_000_000)
CHARS_PER_TOKEN = 4  # for estimates before a call: English text, about four characters a token

# model → (input, output) USD per million tokens. Source, as of 2026-11: OpenAI's API
# pricing page (standard tier).
CHAT_PRICES: dict[str, tuple[Decimal, Decimal]] = {
    "gpt-4o": (Decimal("2.50"), Decimal("10.00")),
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
    "gpt-4.1": (Decimal("2.00"), Decimal("8.00")),
    "gpt-4.1-mini": (Decimal("0.40"), Decimal("1.60")),
    "gpt-4.1-nano": (Decimal("0.10"), Decimal("0.40")),
}
FALLBACK_PRICE = (Decimal("2.50"), Decimal("10.00"))


def chat_price(model: str) -> tuple[Decimal, Decimal]:
    """(input, output) price per million tokens of this model."""
    return CHAT_PRICES.get(model, FALLBACK_PRICE)


def chat_cost(model: str, *, input_tokens: int, output_tokens: int) -> Decimal:
    """What a call of this model with these token counts costs."""
    per_in, per_out = chat_price(model)
    cost = (per_in * input_tokens + per_out * output_tokens) / MILLION
    return cost.quantize(Decimal("0.000001"))


def text_tokens(text: str) -> int:
    """About how many tokens a text is, for an estimate before the call."""
    return len(text) // CHARS_PER_TOKEN + 1


class ChatOutcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    MALFORMED = "malformed", "Answer not usable"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused: over the budget"


class PaidChatCall(models.Model):
    """One chat call (or one refused before it was made) charged to a project: its cost
    counts against the project's budget (generation/money/budget.py)."""

    model = models.CharField(max_length=100)
    outcome = models.CharField(max_length=12, choices=ChatOutcome.choices)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    cost_estimated = models.BooleanField(default=False)  # the answer reported no usage
    detail = models.CharField(max_length=300, blank=True)  # why it failed or was refused
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @classmethod
    def record(
        cls,
        *,
        model: str,
        outcome: str,
        usage: Any = None,
        estimate: Decimal = Decimal("0"),
        detail: str = "",
        **payer: Any,
    ) -> Self:
        """Record one call: an answered one (a malformed answer was paid for too) at its
        usage, else at its estimate; a failed or refused one at 0."""
        answered = outcome in (ChatOutcome.ANSWERED, ChatOutcome.MALFORMED)
        tokens_in = getattr(usage, "prompt_tokens", 0) or 0
        tokens_out = getattr(usage, "completion_tokens", 0) or 0
        if not answered:
            cost = Decimal("0")
        elif usage is not None:
            cost = chat_cost(model, input_tokens=tokens_in, output_tokens=tokens_out)
        else:
            cost = estimate
        return cls._default_manager.create(
            model=model, outcome=outcome, input_tokens=tokens_in, output_tokens=tokens_out,
            cost=cost, cost_estimated=answered and usage is None, detail=detail[:300], **payer,
        )  # fmt: skip
