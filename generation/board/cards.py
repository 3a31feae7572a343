"""Scene cards rendered once per viewer class and kept in the shared cache.

A card's key is a digest of everything the card shows: the scene's fields, its cast, the
take it shows, its cost words, the viewer's class (role flags × which cast members they may
see), the facts other parts of the card add (`card_facts`) and the card template itself. A
change to any of them is a new key, so a stale card is never served and nothing has to be
deleted (no invalidation races between processes); old entries expire. Every web process
and every socket of a viewer class shares one rendering.

A chunk of the board is keyed from plain rows (three light queries, no model instances);
only the cards missing from the cache are loaded as models and rendered, and those are
stored under the key computed from the very instances rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from generation.board.status import pick_take
from generation.models import ACTIVE_STATUSES, Take
from generation.money.pricing import PriceBook, price_book
from projects.models import Episode, Membership, Project, Scene

CARD = "generation/storyboard.html#scene_card"
CARD_SECONDS = 3600
# The scene's own fields a card shows, in the order they enter its key.
SCENE_FIELDS = (
    "pk",
    "episode_id",
    "position",
    "heading",
    "action",
    "dialogue",
    "camera",
    "look",
    "duration_seconds",
    "provider",
    "omitted",
    "changed_at",
)
_SECONDS, _PROVIDER = SCENE_FIELDS.index("duration_seconds"), SCENE_FIELDS.index("provider")
Books = dict[tuple[int, str], PriceBook]
# Another part of the card (a badge, a flag) that shows facts not among the scene's fields,
# its cast or its takes registers a function here: scene ids in, a hashable fact per id out
# (one query for all of them). Its facts join every card's key.
CardFacts = Callable[[Sequence[int]], dict[int, Hashable]]
EXTRA_FACTS: list[CardFacts] = []


def card_facts(function: CardFacts) -> CardFacts:
    """Register `function`'s facts as part of every card's key (a decorator)."""
    EXTRA_FACTS.append(function)
    return function


class TakeRow(NamedTuple):
    """What a card shows of a take, read as a plain row."""

    pk: int
    number: int
    generation_status: str
    review_status: str
    progress: int
    error: str
    created_at: datetime
    # The continuity check's summary (generation/continuity/): the card's badge.
    continuity_score: int | None
    continuity_flagged: bool
    continuity_notes: str

    @property
    def is_active(self) -> bool:
        return self.generation_status in ACTIVE_STATUSES


TAKE_FIELDS = TakeRow._fields


def _template_digest() -> str:
    # A deploy that changes the card's markup must not serve cards of the old one. Every
    # template of the generation app counts, so partials the card includes count too.
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(settings.BASE_DIR, "templates", "generation").rglob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


_TEMPLATE = _template_digest()


def _cost(project: Project, provider: str, seconds: int, books: Books) -> str:
    """ "≈ $0.80" for one take of the scene; "free"; or "no price" when the table has none."""
    key = (project.studio_id, provider)
    if key not in books:
        books[key] = price_book(studio_id=key[0], provider=key[1])
    width, height = project.frame_size
    cost = books[key].cost(seconds=seconds, width=width, height=height)
    if cost is None:
        return "no price"
    return "free" if cost == 0 else f"≈ ${cost:.2f}"


def cost_label(scene: Scene, books: Books) -> str:
    """The card's cost words for one take of the scene."""
    return _cost(scene.episode.project, scene.effective_provider, scene.duration_seconds, books)


@dataclass
class _Card:
    """One card's facts, from rows or from model instances alike."""

    row: tuple
    cast: list[tuple[int, str]]
    takes: list[TakeRow]
    cost: str = ""
    extra: tuple = ()

    def key(self, project: Project, member: Membership, visible: set[int], oob: bool) -> str:
        shown = pick_take(self.takes)
        cast = tuple((pk, handle, pk in visible) for pk, handle in sorted(self.cast))
        viewer = (member.can_edit_script, member.can_generate, member.can_review)
        facts = (
            _TEMPLATE,
            self.row,
            project.provider,
            cast,
            shown,
            self.cost,
            viewer,
            oob,
            self.extra,
        )
        return "card:" + hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()


def _extras(ids: Sequence[int]) -> dict[int, tuple]:
    found: dict[int, tuple] = {pk: () for pk in ids}
    for function in EXTRA_FACTS:
        facts = function(ids)
        for pk in ids:
            found[pk] += (facts.get(pk),)
    return found


def _from_model(scene: Scene, books: Books, extra: tuple) -> _Card:
    takes = [TakeRow(*(getattr(t, f) for f in TAKE_FIELDS)) for t in scene.takes.all()]  # type: ignore[attr-defined]
    return _Card(
        row=tuple(getattr(scene, f) for f in SCENE_FIELDS),
        cast=[(c.pk, c.handle) for c in scene.cast.all()],
        takes=takes,
        cost=cost_label(scene, books),
        extra=extra,
    )


def _render(scene: Scene, member: Membership, visible: set[int], cost: str, oob: bool) -> str:
    context = {
        "scene": scene,
        "member": member,
        "visible_cast": visible,
        "cost_label": cost,
        "oob": oob,
    }
    return render_to_string(CARD, context).strip()


def render_cards(
    scenes: list[Scene],
    member: Membership,
    visible: set[int],
    *,
    oob: bool = False,
    books: Books | None = None,
) -> list[SafeString]:
    """The cards of these scenes (loaded for the board) as this viewer sees them."""
    if not scenes:
        return []
    books = {} if books is None else books
    extras = _extras([s.pk for s in scenes])
    cards = [_from_model(scene, books, extras[scene.pk]) for scene in scenes]
    project = scenes[0].episode.project
    keys = [card.key(project, member, visible, oob) for card in cards]
    found: dict[str, Any] = cache.get_many(keys)
    fresh = {
        key: _render(scene, member, visible, card.cost, oob)
        for scene, card, key in zip(scenes, cards, keys, strict=True)
        if key not in found
    }
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)
    # Cached text is our own rendering of escaped template output.
    return [mark_safe(found.get(key) or fresh[key]) for key in keys]  # noqa: S308


def _rows(episode: Episode, start: int, count: int, books: Books) -> list[_Card]:
    """The facts of `count` cards of the board from place `start`, as plain rows."""
    project = episode.project
    scenes = (
        Scene.objects.filter(episode=episode, archived_at__isnull=True)
        .order_by("position", "pk")
        .values_list(*SCENE_FIELDS)[start : start + count]
    )
    cards = {row[0]: _Card(row=row, cast=[], takes=[]) for row in scenes}
    through = Scene.cast.through.objects.filter(scene_id__in=cards)
    for scene_id, character_id, handle in through.values_list(
        "scene_id", "character_id", "character__handle"
    ):
        cards[scene_id].cast.append((character_id, handle))
    takes = Take.objects.filter(scene_id__in=cards).order_by("scene_id", "-number")
    for scene_id, *fields in takes.values_list("scene_id", *TAKE_FIELDS):
        cards[scene_id].takes.append(TakeRow(*fields))
    extras = _extras(list(cards))
    for pk, card in cards.items():
        seconds, provider = card.row[_SECONDS], card.row[_PROVIDER] or project.provider
        card.cost = _cost(project, provider, seconds, books)
        card.extra = extras[pk]
    return list(cards.values())


def cast_ids(cards: list[_Card]) -> set[int]:
    """Every cast member on these cards."""
    return {pk for card in cards for pk, _ in card.cast}


def chunk_cards(
    episode: Episode,
    member: Membership,
    *,
    start: int,
    count: int,
    visible: Callable[[set[int]], set[int]],
    oob: bool = False,
) -> list[SafeString]:
    """`count` cards of the board from place `start`: cached ones as they are, others rendered.

    `visible` answers which of the given cast members the viewer may see (one query).
    """
    books: Books = {}
    cards = _rows(episode, start, count, books)
    seen = visible(cast_ids(cards))
    keys = [card.key(episode.project, member, seen, oob) for card in cards]
    found: dict[str, Any] = cache.get_many(keys)
    missing = [card.row[0] for card, key in zip(cards, keys, strict=True) if key not in found]
    if missing:
        # Loaded now, so rendered from the state they are in now, under that state's key.
        scenes = (
            Scene.objects.filter(pk__in=missing)
            .on_board()
            .select_related("sound")
            .prefetch_related("takes")
        )
        by_pk = {scene.pk: scene for scene in scenes}
        rendered = render_cards(list(by_pk.values()), member, seen, oob=oob, books=books)
        fresh = dict(zip(by_pk, rendered, strict=True))
        by_key = {key: fresh.get(card.row[0]) for card, key in zip(cards, keys, strict=True)}
        found.update({k: v for k, v in by_key.items() if k not in found and v is not None})
    # Cached text is our own rendering of escaped template output.
    return [mark_safe(found[key]) for key in keys if key in found]  # noqa: S308
