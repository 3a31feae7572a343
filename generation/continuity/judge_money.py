"""What the continuity judge costs, and who pays: the take's project, from its budget.

Before each chat call the estimate is checked against what is left of the project's
budget (the one rule, `Budget.refusal_for`); after it, the call is recorded as a
`JudgeCall` with the cost its answer's token usage says (at the price table of
generation/money/chat.py), which counts in the project's budget from then on. A call the
budget cannot cover is not made and is recorded as refused, with the message the card shows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generation.continuity.models import JudgeCall, JudgeOutcome
from generation.models import Take
from generation.money.budget import budget_refusal
from generation.money.chat import chat_cost, text_tokens

IMAGE_TOKENS = 85  # an image part at `detail: low` (OpenAI's vision pricing)
ANSWER_TOKENS = 50  # the JSON's frame
TOKENS_PER_VERDICT = 120  # a handle, a score and two short sentences


def estimate_call(model: str, texts: list[str | None], cast: int) -> Decimal:
    """The estimated price of one judge call: text parts by length, images (None) flat."""
    prompt = sum(IMAGE_TOKENS if text is None else text_tokens(text) for text in texts)
    answer = ANSWER_TOKENS + TOKENS_PER_VERDICT * cast
    return chat_cost(model, input_tokens=prompt, output_tokens=answer)


def refuse_call(*, take: Take, model: str, estimate: Decimal) -> str:
    """Why the take's project cannot pay for this call (recorded as refused); empty if it can."""
    refusal = budget_refusal(
        take.scene.episode.project, estimate, "the continuity judge's check costs about"
    )
    if refusal:
        record_call(take=take, model=model, outcome=JudgeOutcome.REFUSED, detail=refusal)
    return refusal


def record_call(
    *,
    take: Take,
    model: str,
    outcome: str,
    usage: Any = None,
    estimate: Decimal = Decimal("0"),
    detail: str = "",
) -> JudgeCall:
    """Record one call, charged to the take's project (the rule: `PaidChatCall.record`)."""
    return JudgeCall.record(
        take=take, project_id=take.scene.episode.project_id, model=model, outcome=outcome,
        usage=usage, estimate=estimate, detail=detail,
    )  # fmt: skip
