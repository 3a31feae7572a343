"""Money for character design: image prices, the studio's design budget, spent and left.

Image models are priced per image, not per second, so they have their own small table
here (the one place for money); a studio's design budget is separate from its projects'
budgets. Candidates cost their estimate while in progress and what was recorded once
made; a failed or refused call costs nothing. See docs/characters.md, "Design with AI".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from generation.design.models import (
    STALE_AFTER,
    CandidateStatus,
    DesignCandidate,
    DesignSettings,
    ReferenceClip,
)
from generation.money.budget import cost_text
from generation.sound.models import DialogueClip

# (provider, model) → published price per image (standard quality, ~1 MP), USD.
# Sources, as of 2026-11: OpenAI's image pricing page (gpt-image-1, medium, 1024²/1024x1536
# about $0.04–0.06); Google's Gemini API pricing (gemini-2.5-flash-image, $0.039 an image).
IMAGE_PRICES: dict[tuple[str, str], Decimal] = {
    ("openai_images", "gpt-image-1"): Decimal("0.06"),
    ("google_images", "gemini-2.5-flash-image"): Decimal("0.039"),
}
# A model the table does not name (an aggregator's): priced like its provider's default,
# so an estimate is never zero for a paid call.
FALLBACK_PRICE: dict[str, Decimal] = {
    "openai_images": Decimal("0.06"),
    "google_images": Decimal("0.039"),
}


def image_price(provider: str, model: str) -> Decimal:
    """The price of one image of this provider and model."""
    return IMAGE_PRICES.get((provider, model), FALLBACK_PRICE.get(provider, Decimal("0.06")))


@dataclass(frozen=True)
class DesignBudget:
    limit: Decimal | None
    spent: Decimal  # every candidate made (discarded ones included), clip and voice sample
    committed: Decimal  # candidates being made, at their estimate
    samples: Decimal = Decimal("0")  # of `spent`: voice samples (generation/sound/)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.spent - self.committed

    def refusal(self, estimate: Decimal, what: str = "these candidates cost") -> str:
        """Why a request of this estimate would go over the budget; empty when it fits."""
        left = self.remaining
        if left is None or estimate <= left:
            return ""
        return (
            f"Refused: {what} {cost_text(estimate)} but the studio has "
            f"${max(left, Decimal(0)):.2f} left of its ${self.limit:.2f} character design "
            f"budget (${self.spent:.2f} spent, ${self.committed:.2f} in progress)."
        )


def design_budget(studio_id: int) -> DesignBudget:
    """The studio's character design budget, what was spent and what is in progress."""
    settings_ = DesignSettings.objects.filter(studio_id=studio_id).first()
    active = (CandidateStatus.QUEUED, CandidateStatus.RUNNING)
    fresh = timezone.now() - STALE_AFTER
    spent, committed = Decimal("0"), Decimal("0")
    # Candidates and reference clips: recorded costs, and the estimates of those being made.
    for rows in (
        DesignCandidate.objects.filter(studio_id=studio_id),
        ReferenceClip.objects.filter(studio_id=studio_id),
    ):
        spent += rows.aggregate(s=Sum("cost", default=Decimal("0")))["s"]
        committed += rows.filter(status__in=active, created_at__gte=fresh).aggregate(
            s=Sum("estimate", default=Decimal("0"))
        )["s"]
    # Voice samples of the studio's characters (no project's lines): made whole, no estimate.
    samples = DialogueClip.objects.filter(studio_id=studio_id, project__isnull=True).aggregate(
        s=Sum("cost", default=Decimal("0"))
    )["s"]
    limit = settings_.budget if settings_ else None
    return DesignBudget(limit, spent + samples, committed, samples)


def lock_design_budget(studio_id: int) -> None:
    """Hold the studio's design settings row until commit: requests are checked in turn."""
    list(DesignSettings.objects.select_for_update().filter(studio_id=studio_id).values("pk"))
