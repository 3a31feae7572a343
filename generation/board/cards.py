"""Scene cards rendered once per viewer class and kept in the shared cache.

A card's key is a digest of everything the card shows: the scene's fields, its cast, the
take it shows, its cost words, the viewer's class (role flags × which cast members they may
see) and the card template itself. A change to any of them is a new key, so a stale card is
never served and nothing has to be deleted (no invalidation races between processes); old
entries expire. Every web process and every socket of a viewer class shares one rendering.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from generation.board.status import card_take
from generation.money.pricing import PriceBook, price_book, scene_cost
from generation.sound.models import sound_overflow
from projects.models import Membership, Scene

CARD = "generation/storyboard.html#scene_card"
CARD_SECONDS = 3600
Books = dict[tuple[int, str], PriceBook]


def _template_digest() -> str:
    # A deploy that changes the card's markup must not serve cards of the old one.
    source = Path(settings.BASE_DIR, "templates", "generation", "storyboard.html").read_bytes()
    return hashlib.blake2b(source, digest_size=8).hexdigest()


_TEMPLATE = _template_digest()


def cost_label(scene: Scene, books: Books) -> str:
    """ "≈ $0.80" for one take of the scene; "free"; or "no price" when the table has none."""
    key = (scene.episode.project.studio_id, scene.effective_provider)
    if key not in books:
        books[key] = price_book(studio_id=key[0], provider=key[1])
    cost = scene_cost(scene, books[key])
    if cost is None:
        return "no price"
    return "free" if cost == 0 else f"≈ ${cost:.2f}"


def _facts(scene: Scene, member: Membership, visible: set[int], cost: str, oob: bool) -> tuple:
    take = card_take(scene)
    shown: tuple | None = None
    if take is not None:
        shown = (take.pk, take.number, take.generation_status, take.review_status)
        shown += (take.progress, take.error, take.created_at)
        shown += (take.continuity_score, take.continuity_flagged, take.continuity_notes)
    cast = tuple((c.pk, c.handle, c.pk in visible) for c in scene.cast.all())
    fields = (
        scene.pk,
        scene.episode_id,
        scene.position,
        scene.heading,
        scene.action,
        scene.dialogue,
        scene.camera,
        scene.look,
        scene.duration_seconds,
        scene.provider,
        scene.omitted,
        scene.changed_at,
        scene.episode.project.provider,
        sound_overflow(scene),  # the "lines don't fit" flag (generation/sound/)
    )
    viewer = (member.can_edit_script, member.can_generate, member.can_review)
    return (_TEMPLATE, fields, cast, shown, cost, viewer, oob)


def card_key(facts: tuple) -> str:
    """The cache key of a card with these facts."""
    return "card:" + hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()


def render_cards(
    scenes: list[Scene], member: Membership, visible: set[int], *, oob: bool = False
) -> list[SafeString]:
    """The cards of these scenes as this viewer sees them, rendering only those not cached."""
    books: Books = {}
    costs = [cost_label(scene, books) for scene in scenes]
    pairs = zip(scenes, costs, strict=True)
    keys = [card_key(_facts(scene, member, visible, cost, oob)) for scene, cost in pairs]
    found: dict[str, Any] = cache.get_many(keys)
    fresh = {}
    for scene, cost, key in zip(scenes, costs, keys, strict=True):
        if key not in found:
            context = {
                "scene": scene,
                "member": member,
                "visible_cast": visible,
                "cost_label": cost,
                "oob": oob,
            }
            fresh[key] = render_to_string(CARD, context).strip()
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)
    # Cached text is our own rendering of escaped template output.
    return [mark_safe(found.get(key) or fresh[key]) for key in keys]  # noqa: S308
