"""Rendering the storyboard's swappable pieces, shared by the page views and the consumer.

Partials never need `request`: pushes over the socket have none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import IntegerField, Value
from django.template.loader import render_to_string
from django.urls import reverse

from characters.models import Character
from generation.board.cards import chunk_cards, render_cards
from generation.board.status import SCENE_STATUS_LABELS
from generation.providers import provider_names, shot_rules
from projects.models import Episode, Membership, Scene, SceneQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

GRID = "generation/storyboard.html#scene_grid"
MORE = "generation/storyboard.html#board_more"
NOTICE = "generation/storyboard.html#board_notice"
ORDER = "generation/storyboard.html#board_order"
EDIT = "generation/storyboard.html#scene_edit"


def card_scenes(scenes: SceneQuerySet) -> SceneQuerySet:
    """Scenes with everything their cards show: project, cast and takes (a fixed query count)."""
    return scenes.on_board().select_related("sound").prefetch_related("takes")


# Cards sent at once: the first response stays small whatever the episode's length, and the
# rest arrives in chunks of this size as the user scrolls (a multiple of 2, 3, 4 and 6 columns).
CHUNK = 48


def board_scenes(episode: Episode) -> list[Scene]:
    """The scenes of an episode's storyboard, in order, ready for rendering."""
    return list(card_scenes(Scene.objects.filter(episode=episode)).order_by("position", "pk"))


def board_size(episode: Episode) -> int:
    """How many scenes the storyboard has (archived ones are not on it)."""
    return Scene.objects.filter(episode=episode, archived_at__isnull=True).count()


def episode_cast(episode: Episode, member: Membership) -> list[Character]:
    """The characters cast in the episode that the viewer may see, by name (for the filter)."""
    cast = Scene.cast.through.objects.filter(scene__episode=episode, scene__archived_at=None)
    visible = Character.objects.visible_to(member.user)
    return list(visible.filter(pk__in=cast.values("character_id")).order_by("name"))


def card_scene(scene_id: int) -> Scene | None:
    """One scene on the board (not archived), ready for rendering its card."""
    return card_scenes(Scene.objects.filter(pk=scene_id)).first()


def visible_ids(ids: set[int], member: Membership) -> set[int]:
    """Which of these characters the viewer may see (one query; none for no ids).

    A cast member outside this set is shown as "character unavailable", never by name.
    """
    if not ids:
        return set()
    visible = Character.objects.visible_to(member.user).filter(pk__in=ids)
    return set(visible.values_list("pk", flat=True))


# Users asked about in one query (each a part of a UNION; SQLite allows 500).
USERS_PER_QUERY = 200


def visible_ids_each(users: Iterable[User], ids: frozenset[int]) -> dict[int, set[int]]:
    """Which of these characters each user may see, by user id: one query (per 200 users).

    Each user's part is their own `Character.objects.visible_to`, joined by UNION ALL.
    """
    viewers = list(users)
    seen: dict[int, set[int]] = {user.pk: set() for user in viewers}
    if not ids:
        return seen
    for start in range(0, len(viewers), USERS_PER_QUERY):
        parts = [
            Character.objects.visible_to(user)
            .filter(pk__in=ids)
            .order_by()
            .annotate(viewer=Value(user.pk, output_field=IntegerField()))
            .values_list("pk", "viewer")
            for user in viewers[start : start + USERS_PER_QUERY]
        ]
        for pk, viewer in parts[0].union(*parts[1:], all=True).order_by():
            seen[viewer].add(pk)
    return seen


def visible_cast(scenes: list[Scene], member: Membership) -> set[int]:
    """Ids of the cast members of these scenes that the viewer may see (one query)."""
    return visible_ids({c.pk for scene in scenes for c in scene.cast.all()}, member)


def board_context(episode: Episode, member: Membership) -> dict[str, Any]:
    """Everything the storyboard page shows: cards, filters, batch durations and providers."""
    characters = episode_cast(episode, member)
    # The filter's characters are the episode's visible cast: the cards need no query of their own.
    known = {c.pk for c in characters}
    return {
        **_grid_context(episode, member, start=0, oob=False, visible=known.intersection),
        "statuses": SCENE_STATUS_LABELS,
        "characters": characters,
        "durations": sorted(shot_rules(episode.project.provider).durations),
        "providers": provider_names(),
    }


def render_card(scene: Scene, member: Membership, *, oob: bool = False) -> str:
    """One scene card as its viewer sees it."""
    return render_cards([scene], member, visible_cast([scene], member), oob=oob)[0]


def _grid_context(
    episode: Episode,
    member: Membership,
    *,
    start: int,
    oob: bool,
    visible: Callable[[set[int]], set[int]] | None = None,
) -> dict[str, Any]:
    cards = chunk_cards(
        episode,
        member,
        start=start,
        count=CHUNK,
        visible=visible or (lambda ids: visible_ids(ids, member)),
    )
    loaded = start + len(cards)
    total = board_size(episode) if len(cards) == CHUNK or start else loaded
    more = ""
    if loaded < total:
        more = reverse("board:scene_cards", kwargs={"episode_id": episode.pk}) + f"?start={loaded}"
    return {
        "episode": episode,
        "member": member,
        "cards": cards,
        "loaded": loaded,
        "total": total,
        "more_url": more,
        "oob": oob,
    }


def render_grid(episode: Episode, member: Membership, *, oob: bool = False) -> str:
    """The grid with the board's first chunk of cards, for a snapshot or after the list changed.

    The rest of the board follows as the user scrolls (see `render_more`).
    """
    return render_to_string(GRID, _grid_context(episode, member, start=0, oob=oob)).strip()


def render_more(episode: Episode, member: Membership, *, start: int) -> str:
    """The next chunk of cards from place `start`, and the marker that loads the one after."""
    context = _grid_context(episode, member, start=start, oob=False)
    return "".join(context["cards"]) + render_to_string(MORE, context).strip()


def render_order(order: list[int]) -> str:
    """The board's new order of scene ids, swapped out-of-band; storyboard.js moves the cards."""
    return render_to_string(ORDER, {"order": ",".join(map(str, order)), "oob": True}).strip()


def render_notice(text: str) -> str:
    """The storyboard's one-line notice, swapped out-of-band."""
    return render_to_string(NOTICE, {"notice": text, "oob": True})


def render_edit(scene: Scene, form: Any, characters: Any) -> str:
    """A card in edit mode: the inline form that replaces it."""
    return render_to_string(EDIT, {"scene": scene, "form": form, "characters": characters})
