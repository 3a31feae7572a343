"""A project's budget: what was spent, what is on its way, what is left."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum

from generation.credentials import ProjectGenerationSettings
from generation.models import ACTIVE_STATUSES, DialogueClip, DraftCall, JudgeCall, Take
from generation.money.pricing import BatchEstimate, price_book
from projects.models import Project


def cost_text(cost: Decimal) -> str:
    """A cost as a refusal says it: in cents, or to four places when under a cent."""
    return f"${cost:.4f}" if 0 < cost < Decimal("0.01") else f"${cost:.2f}"


@dataclass(frozen=True)
class Budget:
    limit: Decimal | None  # None: the project has no budget
    spent: Decimal  # every take's recorded cost (rejected ones included), speech, chat calls
    committed: Decimal  # takes in progress, at the table's price (their cost is not in yet)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.spent - self.committed

    def refusal_for(self, cost: Decimal, what: str) -> str:
        """Why a paid call of this cost would go over the budget; empty when it fits.

        `what` names the call ("voicing this line costs"); a free call is never refused.
        """
        left = self.remaining
        if not cost or left is None or cost <= left:
            return ""
        return (
            f"Refused: {what} {cost_text(cost)} but the project has ${max(left, Decimal(0)):.2f} "
            f"left of its ${self.limit:.2f} budget (${self.spent:.2f} spent, "
            f"${self.committed:.2f} in progress)."
        )

    def refusal(self, estimate: BatchEstimate) -> str:
        """Why this batch would go over the budget, with the numbers; empty when it fits."""
        left = self.remaining
        if left is None or estimate.total <= left:
            return ""
        return (
            f"Refused: these {estimate.scenes} scene(s) cost ${estimate.total:.2f} but the "
            f"project has ${max(left, Decimal(0)):.2f} left of its ${self.limit:.2f} budget "
            f"(${self.spent:.2f} spent, ${self.committed:.2f} in progress)."
        )


def _committed(project: Project) -> Decimal:
    active = (
        # A take whose job finished has its cost recorded (in `spent`) while it downloads.
        Take.objects.filter(
            scene__episode__project=project, generation_status__in=ACTIVE_STATUSES, cost=0
        )
        .values("provider", "duration_seconds", "width", "height")
        .annotate(n=Count("pk"))
    )
    total = Decimal("0")
    for row in active:
        book = price_book(studio_id=project.studio_id, provider=row["provider"])
        cost = book.cost(seconds=row["duration_seconds"], width=row["width"], height=row["height"])
        total += (cost or Decimal("0")) * row["n"]
    return total


@dataclass(frozen=True)
class Spending:
    """What a project paid for, by kind: every paid call it made is in one of these."""

    takes: Decimal  # video takes, rejected and failed-after-payment ones included
    speech: Decimal  # voiced dialogue lines
    judge: Decimal  # the continuity judge's chat calls
    drafts: Decimal  # "Draft scenes with AI" chat calls

    @property
    def total(self) -> Decimal:
        return self.takes + self.speech + self.judge + self.drafts


def _sum(rows: QuerySet[Any]) -> Decimal:
    return rows.aggregate(s=Sum("cost", default=Decimal("0")))["s"]


def project_spending(project: Project) -> Spending:
    """The project's recorded costs by kind (the budget's `spent` is their total)."""
    return Spending(
        takes=_sum(Take.objects.filter(scene__episode__project=project)),
        speech=_sum(DialogueClip.objects.filter(project=project)),
        judge=_sum(JudgeCall.objects.filter(project=project)),
        drafts=_sum(DraftCall.objects.filter(project=project)),
    )


def project_budget(project: Project) -> Budget:
    """The project's budget, spent and in-progress amounts."""
    settings_ = ProjectGenerationSettings.objects.filter(project=project).first()
    spent = project_spending(project).total
    return Budget(settings_.budget if settings_ else None, spent, _committed(project))


def lock_budget(project: Project) -> None:
    """Hold the project's budget row until commit: concurrent batches are checked in turn.

    The second batch then sees the first one's takes as in progress, so two
    confirmations at the same moment cannot both spend the same remainder.
    """
    list(ProjectGenerationSettings.objects.select_for_update().filter(project=project).values("pk"))


def budget_refusal(project: Project, cost: Decimal, what: str) -> str:
    """Why the project cannot pay for one paid call now (`refusal_for`, read under the
    budget's row lock); empty when it can."""
    with transaction.atomic():
        lock_budget(project)
        return project_budget(project).refusal_for(cost, what)
