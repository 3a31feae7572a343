"""`{% scene_cost scene %}`: a card's estimated cost, priced once per board render."""

from __future__ import annotations

from typing import Any

from django import template

from generation.money.pricing import PriceBook, price_book, scene_cost
from projects.models import Scene

register = template.Library()
_BOOKS = "_generation_price_books"


def _books(context: Any) -> dict[tuple[int, str], PriceBook]:
    # Partials render with a fresh render_context each, so the books live in the
    # context's base dict: one per page, grid or card render, never shared between them.
    base = context.dicts[0]
    if _BOOKS not in base:
        base[_BOOKS] = {}
    books: dict[tuple[int, str], PriceBook] = base[_BOOKS]
    return books


@register.simple_tag(takes_context=True)
def scene_cost_label(context: Any, scene: Scene) -> str:
    """ "≈ $0.80" for one take of the scene; "free"; or "no price" when the table has none."""
    key = (scene.episode.project.studio_id, scene.effective_provider)
    books = _books(context)
    if key not in books:
        books[key] = price_book(studio_id=key[0], provider=key[1])
    cost = scene_cost(scene, books[key])
    if cost is None:
        return "no price"
    return "free" if cost == 0 else f"≈ ${cost:.2f}"
