"""Rendering the storyboard's swappable pieces, shared by the page views and the consumer.

Partials never need `request`: pushes over the socket have none.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from characters.models import Character
from generation.board.status import SCENE_STATUS_LABELS
from generation.providers import provider_names, shot_rules
from projects.models import Episode, Membership, Scene, SceneQuerySet

CARD = "generation/storyboard.html#scene_card"
GRID = "generation/storyboard.html#scene_grid"
NOTICE = "generation/storyboard.html#board_notice"
EDIT = "generation/storyboard.html#scene_edit"


def card_scenes(scenes: SceneQuerySet) -> SceneQuerySet:
    """Scenes with everything their cards show: project, cast and takes (a fixed query count)."""
    return scenes.on_board().prefetch_related("takes")


def board_scenes(episode: Episode) -> list[Scene]:
    """The scenes of an episode's storyboard, in order, ready for rendering."""
    return list(card_scenes(Scene.objects.filter(episode=episode)).order_by("position", "pk"))


def card_scene(scene_id: int) -> Scene | None:
    """One scene on the board (not archived), ready for rendering its card."""
    return card_scenes(Scene.objects.filter(pk=scene_id)).first()


def visible_cast(scenes: list[Scene], member: Membership) -> set[int]:
    """Ids of the cast members of these scenes that the viewer may see (one query).

    A cast member outside this set is shown as "character unavailable", never by name.
    """
    ids = {c.pk for scene in scenes for c in scene.cast.all()}
    if not ids:
        return set()
    visible = Character.objects.visible_to(member.user).filter(pk__in=ids)
    return set(visible.values_list("pk", flat=True))


def board_context(episode: Episode, member: Membership) -> dict[str, Any]:
    """Everything the storyboard page shows: cards, filters, batch durations and providers."""
    scenes = board_scenes(episode)
    seen = visible_cast(scenes, member)
    characters = {c.handle: c for s in scenes for c in s.cast.all() if c.pk in seen}
    return {
        "episode": episode,
        "member": member,
        "scenes": scenes,
        "visible_cast": seen,
        "statuses": SCENE_STATUS_LABELS,
        "characters": sorted(characters.values(), key=lambda c: c.name),
        "durations": sorted(shot_rules(episode.project.provider).durations),
        "providers": provider_names(),
    }


def render_card(scene: Scene, member: Membership, *, oob: bool = False) -> str:
    """One scene card as its viewer sees it."""
    context = {
        "scene": scene,
        "member": member,
        "visible_cast": visible_cast([scene], member),
        "oob": oob,
    }
    return render_to_string(CARD, context).strip()


def render_grid(episode: Episode, member: Membership, *, oob: bool = False) -> str:
    """The whole grid of scene cards, for a snapshot or after the scene list changed."""
    scenes = board_scenes(episode)
    context = {
        "episode": episode,
        "scenes": scenes,
        "member": member,
        "visible_cast": visible_cast(scenes, member),
        "oob": oob,
    }
    return render_to_string(GRID, context).strip()


def render_notice(text: str) -> str:
    """The storyboard's one-line notice, swapped out-of-band."""
    return render_to_string(NOTICE, {"notice": text, "oob": True})


def render_edit(scene: Scene, form: Any, characters: Any) -> str:
    """A card in edit mode: the inline form that replaces it."""
    return render_to_string(EDIT, {"scene": scene, "form": form, "characters": characters})
