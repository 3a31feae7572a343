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

from django.db import transaction

from generation.continuity.models import JudgeCall, JudgeOutcome
from generation.models import Take
from generation.money.budget import lock_budget, project_budget
from generation.money.chat import chat_cost

IMAGE_TOKENS = 85  # an image part at `detail: low` (OpenAI's vision pricing)
CHARS_PER_TOKEN = 4
ANSWER_TOKENS = 50  # the JSON's frame
TOKENS_PER_VERDICT = 120  # a handle, a score and two short sentences


def estimate_call(model: str, texts: list[str | None], cast: int) -> Decimal:
    """The estimated price of one judge call: text parts by length, images (None) flat."""
    prompt = sum(
        IMAGE_TOKENS if text is None else len(text) // CHARS_PER_TOKEN + 1 for text in texts
    )
    answer = ANSWER_TOKENS + TOKENS_PER_VERDICT * cast
    return chat_cost(model, input_tokens=prompt, output_tokens=answer)


def refuse_call(*, take: Take, model: str, estimate: Decimal) -> str:
    """Why the take's project cannot pay for this call (recorded as refused); empty if it can."""
    project = take.scene.episode.project
    with transaction.atomic():
        lock_budget(project)
        refusal = project_budget(project).refusal_for(
            estimate, "the continuity judge's check costs about"
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
    """Record one call: an answered one at its usage (else its estimate), the rest at 0."""
    answered = outcome in (JudgeOutcome.ANSWERED, JudgeOutcome.MALFORMED)
    tokens_in = getattr(usage, "prompt_tokens", 0) or 0
    tokens_out = getattr(usage, "completion_tokens", 0) or 0
    if not answered:
        cost = Decimal("0")
    elif usage is not None:
        cost = chat_cost(model, input_tokens=tokens_in, output_tokens=tokens_out)
    else:
        cost = estimate
    return JudgeCall.objects.create(
        take=take, project_id=take.scene.episode.project_id, model=model, outcome=outcome,
        input_tokens=tokens_in, output_tokens=tokens_out, cost=cost,
        cost_estimated=answered and usage is None, detail=detail[:300],
    )  # fmt: skip
