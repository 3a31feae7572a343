"""Money for chat models (the continuity judge): prices per million tokens, the one table.

A call's cost is taken from the tokens the answer reports (`usage`); an answer without
`usage` is charged at the estimate made before the call. A model the table does not name
(an aggregator's) is priced like the dearest model here, so an estimate is never zero
for a paid call. See docs/continuity.md, "What the judge costs".
"""

from __future__ import annotations

from decimal import Decimal

MILLION = Decimal(1_000_000)

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
