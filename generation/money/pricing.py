"""The price table: the one source of every price, estimate and recorded take cost.

Published list prices (studio empty) are seeded by a data migration with their source
and date; a studio owner's price for the same provider, model, resolution and audio
replaces the published one for that studio only. Local providers (the animatic) are free
and have no rows. See docs/providers.md, "Prices and budgets".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone

from generation.credentials import ProviderCredential
from generation.providers import get_provider_class

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from generation.models import Take
    from projects.models import Scene, Studio


class ListPrice(models.Model):
    """A price per second of video for one provider, model, resolution and audio setting."""

    # Empty for a published list price; set for a studio's own price (its contract).
    studio = models.ForeignKey(
        "projects.Studio", null=True, blank=True, on_delete=models.CASCADE, related_name="prices"
    )
    provider = models.CharField(max_length=40)
    model = models.CharField(max_length=100)
    resolution = models.CharField(max_length=16, help_text='The short side: "720p", "1024p".')
    with_audio = models.BooleanField(default=True)
    price_per_second = models.DecimalField(max_digits=8, decimal_places=4)
    source = models.CharField(max_length=300)
    as_of = models.DateField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["provider", "model", "resolution", "-with_audio"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "model", "resolution", "with_audio"],
                condition=Q(studio__isnull=True),
                name="one_published_price",
            ),
            models.UniqueConstraint(
                fields=["studio", "provider", "model", "resolution", "with_audio"],
                condition=Q(studio__isnull=False),
                name="one_studio_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.model} {self.resolution}: {self.price_per_second}/s"


def resolution_of(width: int, height: int) -> str:
    """The resolution class of a frame size, by its short side ("720p")."""
    return f"{min(width, height)}p"


def is_free(provider: str) -> bool:
    """Local providers cost nothing and have no prices."""
    return not get_provider_class(provider).costs_money


@dataclass(frozen=True)
class PriceBook:
    """A studio's prices for one provider and the model its credential uses."""

    provider: str
    model: str
    rows: tuple[ListPrice, ...] = ()

    def per_second(self, *, width: int, height: int, audio: bool = True) -> Decimal | None:
        """The price per second at this size; None when the table has no price for it."""
        if is_free(self.provider):
            return Decimal("0")
        resolution = resolution_of(width, height)
        rows = [r for r in self.rows if r.model == self.model and r.resolution == resolution]
        # The studio's own price before the published one; the matching audio setting
        # before the other (a missing "without audio" price is charged as with audio).
        rows.sort(key=lambda r: (r.studio_id is None, r.with_audio != audio))
        return rows[0].price_per_second if rows else None

    def cost(self, *, seconds: int, width: int, height: int, audio: bool = True) -> Decimal | None:
        """What a clip costs at list price; None when the price is unknown."""
        price = self.per_second(width=width, height=height, audio=audio)
        return None if price is None else price * seconds

    def missing(self, *, width: int, height: int) -> str:
        """The message for a size this book has no price for."""
        return (
            f"There is no price for {self.provider} model {self.model!r} at "
            f"{resolution_of(width, height)}: a studio owner adds one under Prices."
        )


def price_book(*, studio_id: int, provider: str) -> PriceBook:
    """The studio's prices for a provider, with the model of its credential (one query)."""
    cls = get_provider_class(provider)
    if not cls.costs_money:
        return PriceBook(provider=provider, model="")
    chosen = ProviderCredential.objects.filter(studio_id=studio_id, provider=provider)
    rows = tuple(
        ListPrice.objects.filter(provider=provider)
        .filter(Q(studio__isnull=True) | Q(studio_id=studio_id))
        .annotate(chosen_model=Subquery(chosen.values("default_model")[:1]))
    )
    chosen_model = getattr(rows[0], "chosen_model", "") if rows else ""
    return PriceBook(provider=provider, model=chosen_model or cls.default_model, rows=rows)


def scene_cost(scene: Scene, book: PriceBook) -> Decimal | None:
    """One take of the scene at its project's frame size; None when the price is unknown."""
    width, height = scene.episode.project.frame_size
    return book.cost(seconds=scene.duration_seconds, width=width, height=height)


@dataclass(frozen=True)
class BatchEstimate:
    scenes: int
    total: Decimal
    unknown: str = ""  # why a price is missing; the batch is then refused


def estimate_batch(scenes: Iterable[Scene]) -> BatchEstimate:
    """The total for one take of each scene, priced once per studio and provider."""
    books: dict[tuple[int, str], PriceBook] = {}
    total, count = Decimal("0"), 0
    for scene in scenes:
        key = (scene.episode.project.studio_id, scene.effective_provider)
        if key not in books:
            books[key] = price_book(studio_id=key[0], provider=key[1])
        cost = scene_cost(scene, books[key])
        if cost is None:
            return BatchEstimate(count, total, books[key].missing(**_size(scene)))
        total += cost
        count += 1
    return BatchEstimate(count, total)


def _size(scene: Scene) -> dict[str, int]:
    width, height = scene.episode.project.frame_size
    return {"width": width, "height": height}


def take_cost(take: Take) -> Decimal:
    """What a finished take cost at the table's price (zero where the table has none)."""
    project = take.scene.episode.project
    book = price_book(studio_id=project.studio_id, provider=take.provider)
    cost = book.cost(seconds=take.duration_seconds, width=take.width, height=take.height)
    return cost if cost is not None else Decimal("0")


def effective_prices(studio: Studio) -> list[ListPrice]:
    """The prices this studio pays: its own where it set one, the published ones otherwise."""
    rows = ListPrice.objects.filter(Q(studio__isnull=True) | Q(studio=studio))
    chosen: dict[tuple[str, str, str, bool], ListPrice] = {}
    for row in rows:  # the studio's own row wins whichever comes first
        key = (row.provider, row.model, row.resolution, row.with_audio)
        if key not in chosen or row.studio_id is not None:
            chosen[key] = row
    return sorted(
        chosen.values(), key=lambda r: (r.provider, r.model, r.resolution, not r.with_audio)
    )


def save_studio_price(
    *,
    studio: Studio,
    updated_by: User,
    provider: str,
    model: str,
    resolution: str,
    with_audio: bool,
    price_per_second: Decimal,
    source: str,
) -> ListPrice:
    """Set the studio's own price for a provider, model, resolution and audio, as of today."""
    row, _ = ListPrice.objects.update_or_create(
        studio=studio,
        provider=provider,
        model=model,
        resolution=resolution,
        with_audio=with_audio,
        defaults={
            "price_per_second": price_per_second,
            "source": source,
            "as_of": timezone.localdate(),
            "updated_by": updated_by,
        },
    )
    return row
