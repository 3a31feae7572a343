"""Workflows of the projects app: saving a script and breaking it down into scenes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from characters.models import Character
from projects.live import publish_board_changed
from projects.models import Episode, Scene
from projects.screenplay import ParsedScene, parse_script

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SceneKey = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class BreakdownResult:
    created: int = 0
    kept: int = 0
    removed: int = 0
    archived: int = 0
    problems: list[str] = field(default_factory=list)


def _key_of_parsed(parsed: ParsedScene) -> SceneKey:
    return (parsed.heading, parsed.action, tuple(parsed.dialogue))


def _key_of_scene(scene: Scene) -> SceneKey:
    return (scene.heading, scene.action, tuple((d["speaker"], d["line"]) for d in scene.dialogue))


def _resolve_cast(parsed: list[ParsedScene], user: User) -> tuple[dict[str, Character], list[str]]:
    handles = {h for scene in parsed for h in scene.handles}
    visible = {c.handle: c for c in Character.objects.visible_to(user).filter(handle__in=handles)}
    # Same words whether the character does not exist or is hidden from this user.
    problems = [
        f"Line {scene.line}: no character @{handle} that you can use."
        for scene in parsed
        for handle in scene.handles
        if handle not in visible
    ]
    return visible, problems


@transaction.atomic
def save_script(*, episode: Episode, text: str, edited_by: User) -> BreakdownResult:
    """Save the episode's script and rebuild its scenes in order, losing no take.

    Scenes whose heading, action and dialogue did not change are kept with their
    takes; a scene that disappeared is deleted if it never had a take, else archived.
    """
    parsed = parse_script(text)
    cast, problems = _resolve_cast(parsed, edited_by)
    result = BreakdownResult(problems=[p for scene in parsed for p in scene.problems] + problems)
    existing: dict[SceneKey, list[Scene]] = {}
    for scene in episode.scenes.filter(archived_at__isnull=True).prefetch_related("takes"):
        existing.setdefault(_key_of_scene(scene), []).append(scene)

    for position, item in enumerate(parsed, start=1):
        matches = existing.get(_key_of_parsed(item))
        if matches:
            scene = matches.pop(0)
            result.kept += 1
        else:
            scene = Scene(episode=episode, heading=item.heading, action=item.action)
            scene.dialogue = [{"speaker": s, "line": line} for s, line in item.dialogue]
            result.created += 1
        scene.position = position
        scene.duration_seconds = item.duration()
        scene.camera = item.camera
        scene.source_line = item.line
        scene.save()
        scene.cast.set([cast[h] for h in item.handles if h in cast])

    for leftover in (s for scenes in existing.values() for s in scenes):
        if leftover.takes.exists():  # type: ignore[attr-defined]
            leftover.archived_at = timezone.now()
            leftover.save(update_fields=["archived_at"])
            result.archived += 1
        else:
            leftover.delete()
            result.removed += 1

    episode.script = text
    episode.script_updated_at = timezone.now()
    episode.save(update_fields=["script", "script_updated_at"])
    publish_board_changed(project_id=episode.project_id, episode_id=episode.pk)
    return result
