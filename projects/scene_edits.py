"""Editing scenes on the storyboard: each edit writes the script back and is published live.

The script stays the one source of the scenes (docs/script-format.md, "Storyboard edits"):
after every edit the episode's script is rewritten from the storyboard, so the next
breakdown finds every scene unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from characters.models import Character
from projects.breakdown import DEFAULT_RULES
from projects.live import publish_board_changed, publish_board_reordered, publish_scene_changed
from projects.models import Episode, Scene
from projects.screenplay import SceneText, ShotRules, snap_duration, title_page_of, write_script

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


class EditRefused(Exception):
    """A storyboard edit that cannot be made; the message says why."""


@dataclass(frozen=True)
class SceneChanges:
    heading: str
    action: str
    camera: str
    look: str
    duration_seconds: int
    cast: Sequence[Character]
    provider: str = ""  # empty: the project's


def _scene_text(scene: Scene) -> SceneText:
    return SceneText(
        heading=scene.heading,
        action=scene.action,
        dialogue=[(d["speaker"], d["line"]) for d in scene.dialogue],
        duration_seconds=scene.duration_seconds,
        camera=scene.camera,
        look=scene.look,
        explicit_cast=scene.cast_handles if scene.cast_is_explicit else None,
        omitted=scene.omitted,
        transition=scene.transition,
    )


def _lock(episode: Episode) -> None:
    # One edit of an episode at a time, so each writes back the script of the same board.
    Episode.objects.select_for_update().filter(pk=episode.pk).first()


def _board(episode: Episode) -> list[Scene]:
    return list(
        Scene.objects.filter(episode=episode, archived_at__isnull=True)
        .order_by("position", "pk")
        .prefetch_related("cast")
    )


def _write_back(episode: Episode, scenes: list[Scene]) -> None:
    script = write_script(title_page_of(episode.script), [_scene_text(s) for s in scenes])
    Episode.objects.filter(pk=episode.pk).update(script=script, script_updated_at=timezone.now())
    episode.script = script


def _renumber(scenes: list[Scene]) -> None:
    for position, scene in enumerate(scenes, start=1):
        scene.position = position
    Scene.objects.bulk_update(scenes, ["position"])


def _board_edited(episode: Episode, scenes: list[Scene], *, reordered: bool = False) -> None:
    _renumber(scenes)
    _write_back(episode, scenes)
    if reordered:  # the same scenes in another order: viewers are sent the order alone
        order = [s.pk for s in scenes]
        publish_board_reordered(project_id=episode.project_id, episode_id=episode.pk, order=order)
    else:
        publish_board_changed(project_id=episode.project_id, episode_id=episode.pk)


def _mark_changed(scene: Scene) -> None:
    if scene.takes.exists():  # type: ignore[attr-defined]
        scene.changed_at = timezone.now()


def _archive_or_delete(scene: Scene) -> None:
    if scene.takes.exists():  # type: ignore[attr-defined]
        scene.archived_at = timezone.now()
        scene.save(update_fields=["archived_at"])
    else:
        scene.delete()


def _shot_of(scene: Scene) -> tuple[object, ...]:
    cast = sorted(c.pk for c in scene.cast.all())
    return (scene.heading, scene.action, scene.camera, scene.look, scene.duration_seconds, cast)


@transaction.atomic
def update_scene(*, scene: Scene, changes: SceneChanges, rules: ShotRules = DEFAULT_RULES) -> Scene:
    """Change a scene's heading, action, camera, look, duration and cast.

    `rules` are those of the provider the scene goes to after the change.
    """
    _lock(scene.episode)
    if len(changes.cast) > rules.max_characters:
        limit = rules.max_characters
        raise EditRefused(f"At most {limit} characters in one scene: split it first.")
    before = _shot_of(scene)
    scene.heading, scene.action = changes.heading, changes.action
    scene.camera, scene.look = changes.camera, changes.look
    scene.duration_seconds = changes.duration_seconds
    # Not part of the shot: the takes made elsewhere stay current (docs/providers.md).
    scene.provider = changes.provider
    if sorted(c.pk for c in changes.cast) != sorted(c.pk for c in scene.cast.all()):
        scene.cast.set(changes.cast)
        scene.cast_is_explicit = True
    if _shot_of(scene) != before:  # saving an unchanged form leaves the takes current
        _mark_changed(scene)
    scene.save()
    _write_back(scene.episode, _board(scene.episode))
    publish_scene_changed(
        project_id=scene.episode.project_id, episode_id=scene.episode_id, scene_id=scene.pk
    )
    return scene


@transaction.atomic
def reorder_scenes(*, episode: Episode, order: Sequence[int]) -> None:
    """Put the storyboard in this order of scene ids (ids not given keep their relative order)."""
    _lock(episode)
    scenes = _board(episode)
    rank = {pk: i for i, pk in enumerate(order)}
    scenes.sort(key=lambda s: (rank.get(s.pk, len(rank)), s.position))
    _board_edited(episode, scenes, reordered=True)


@transaction.atomic
def move_scene(*, scene: Scene, offset: int) -> None:
    """Move a scene up (-1) or down (+1) by one place."""
    _lock(scene.episode)
    scenes = _board(scene.episode)
    index = next(i for i, s in enumerate(scenes) if s.pk == scene.pk)
    target = min(max(index + offset, 0), len(scenes) - 1)
    scenes.insert(target, scenes.pop(index))
    _board_edited(scene.episode, scenes, reordered=True)


def _insert_after(episode: Episode, new: Scene, after: Scene | None) -> None:
    scenes = [s for s in _board(episode) if s.pk != new.pk]
    index = next((i + 1 for i, s in enumerate(scenes) if after and s.pk == after.pk), len(scenes))
    scenes.insert(index, new)
    _board_edited(episode, scenes)


@transaction.atomic
def add_scene(
    *, episode: Episode, after: Scene | None, heading: str, rules: ShotRules = DEFAULT_RULES
) -> Scene:
    """A new scene after `after` (or at the end), for the writer to fill in."""
    _lock(episode)
    scene = Scene.objects.create(
        episode=episode,
        position=0,
        heading=heading,
        duration_seconds=min(rules.durations),
    )
    _insert_after(episode, scene, after)
    return scene


@transaction.atomic
def duplicate_scene(*, scene: Scene) -> Scene:
    """A copy of the scene right after it, without takes."""
    _lock(scene.episode)
    cast = list(scene.cast.all())
    copy = Scene.objects.get(pk=scene.pk)
    copy.pk = None
    copy.changed_at = None
    copy.save()
    copy.cast.set(cast)
    _insert_after(scene.episode, copy, scene)
    return copy


def _halves(scene: Scene) -> tuple[tuple[str, list[dict]], tuple[str, list[dict]]]:
    dialogue = list(scene.dialogue)
    if len(dialogue) >= 2:
        middle = len(dialogue) // 2
        return (scene.action, dialogue[:middle]), ("", dialogue[middle:])
    sentences = SENTENCE_END.split(scene.action.strip())
    if len(sentences) >= 2:
        middle = (len(sentences) + 1) // 2
        return (" ".join(sentences[:middle]), []), (" ".join(sentences[middle:]), dialogue)
    if scene.action and dialogue:
        return (scene.action, []), ("", dialogue)
    raise EditRefused("This scene has a single beat: there is nothing to split.")


@transaction.atomic
def split_scene(*, scene: Scene) -> Scene:
    """Split a scene in two at the middle of its dialogue (or of its action)."""
    _lock(scene.episode)
    (first_action, first_lines), (second_action, second_lines) = _halves(scene)
    cast = list(scene.cast.all())
    second = Scene.objects.create(
        episode=scene.episode,
        position=0,
        heading=scene.heading,
        action=second_action,
        dialogue=second_lines,
        camera=scene.camera,
        look=scene.look,
        duration_seconds=scene.duration_seconds,
        provider=scene.provider,
        cast_is_explicit=scene.cast_is_explicit,
        transition=scene.transition,
    )
    second.cast.set(cast)
    scene.action, scene.dialogue, scene.transition = first_action, first_lines, ""
    _mark_changed(scene)
    scene.save()
    _insert_after(scene.episode, second, scene)
    return second


@transaction.atomic
def merge_with_next(*, scene: Scene, rules: ShotRules = DEFAULT_RULES) -> Scene:
    """Merge the next scene into this one; the next is archived if it has takes."""
    _lock(scene.episode)
    scenes = _board(scene.episode)
    index = next(i for i, s in enumerate(scenes) if s.pk == scene.pk)
    if index + 1 >= len(scenes):
        raise EditRefused("This is the last scene: there is no next scene to merge.")
    scene, following = scenes[index], scenes[index + 1]
    cast = list(dict.fromkeys([*scene.cast.all(), *following.cast.all()]))
    if len(cast) > rules.max_characters:
        limit = rules.max_characters
        raise EditRefused(f"Together these scenes have {len(cast)} characters; at most {limit}.")
    scene.action = " ".join(a for a in (scene.action, following.action) if a)
    scene.dialogue = [*scene.dialogue, *following.dialogue]
    total = scene.duration_seconds + following.duration_seconds
    scene.duration_seconds = snap_duration(total, rules.durations)
    scene.transition = following.transition
    scene.cast_is_explicit = scene.cast_is_explicit or following.cast_is_explicit
    _mark_changed(scene)
    scene.save()
    scene.cast.set(cast)
    _archive_or_delete(following)
    _board_edited(scene.episode, [s for s in _board(scene.episode)])
    return scene


@transaction.atomic
def set_omitted(*, episode: Episode, scene_ids: Sequence[int], omitted: bool) -> int:
    """Omit scenes (kept on the board, never generated or exported) or bring them back."""
    _lock(episode)
    count = Scene.objects.filter(
        episode=episode, pk__in=scene_ids, archived_at__isnull=True
    ).update(omitted=omitted)
    _board_edited(episode, _board(episode))
    return count


@transaction.atomic
def set_duration(
    *, episode: Episode, scene_ids: Sequence[int], seconds: int, rules: ShotRules = DEFAULT_RULES
) -> int:
    """Give scenes a new duration; it must be one the project's model accepts."""
    _lock(episode)
    allowed = rules.durations
    if seconds not in allowed:
        raise EditRefused(f"{seconds}s is not a duration this model accepts: {allowed}.")
    scenes = list(Scene.objects.filter(episode=episode, pk__in=scene_ids, archived_at__isnull=True))
    for scene in scenes:
        if scene.duration_seconds != seconds:
            scene.duration_seconds = seconds
            _mark_changed(scene)
    Scene.objects.bulk_update(scenes, ["duration_seconds", "changed_at"])
    _board_edited(episode, _board(episode))
    return len(scenes)


@transaction.atomic
def set_provider(*, episode: Episode, scene_ids: Sequence[int], provider: str) -> int:
    """Send scenes' future takes to another provider ("" for the project's); takes stay."""
    _lock(episode)
    count = Scene.objects.filter(
        episode=episode, pk__in=scene_ids, archived_at__isnull=True
    ).update(provider=provider)
    # The script does not name providers, so nothing to write back: only the board changed.
    publish_board_changed(project_id=episode.project_id, episode_id=episode.pk)
    return count
