"""Workflows of the projects app: applying a script's breakdown and keeping its versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from projects.breakdown import DEFAULT_RULES, BreakdownPlan, PlannedScene, plan_breakdown
from projects.live import publish_board_changed
from projects.models import Episode, Scene, ScriptVersion
from projects.screenplay import ShotRules

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class PlanOutdated(Exception):
    """The script or the storyboard changed since the writer saw the breakdown's summary."""


class PlanRefused(Exception):
    """The script cannot be applied (no scene in it); the message says what to fix."""


def record_version(*, episode: Episode, text: str, note: str, by: User | None) -> ScriptVersion:
    """Keep this text as the episode's next script version (unless it is the latest already)."""
    latest = episode.script_versions.order_by("-number").first()
    if latest is not None and latest.text == text:
        return latest
    number = (episode.script_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ScriptVersion.objects.create(
        episode=episode, number=number, text=text, note=note, created_by=by
    )


def _apply_item(episode: Episode, item: PlannedScene, position: int) -> None:
    parsed, scene = item.parsed, item.scene
    if scene is None:
        scene = Scene(episode=episode)
    elif item.changed and scene.takes.exists():  # type: ignore[attr-defined]
        scene.changed_at = timezone.now()
    scene.heading, scene.action = parsed.heading, parsed.action
    scene.dialogue = [{"speaker": s, "line": line} for s, line in parsed.dialogue]
    scene.position = position
    scene.duration_seconds = parsed.duration_seconds
    scene.camera, scene.look, scene.transition = parsed.camera, parsed.look, parsed.transition
    scene.cast_is_explicit = parsed.explicit_cast is not None
    scene.omitted = parsed.omitted
    scene.source_line = parsed.line
    scene.save()
    scene.cast.set(item.cast)


def _remove(scene: Scene) -> None:
    if scene.takes.exists():  # type: ignore[attr-defined]
        scene.archived_at = timezone.now()
        scene.save(update_fields=["archived_at"])
    else:
        scene.delete()


@transaction.atomic
def apply_breakdown(
    *,
    episode: Episode,
    text: str,
    edited_by: User,
    confirmed: str,
    note: str = "Saved",
    rules: ShotRules = DEFAULT_RULES,
) -> BreakdownPlan:
    """Apply the plan the writer confirmed (by its fingerprint); refuse if anything moved since.

    Kept scenes keep their takes; changed ones keep them marked out of date; removed scenes
    with takes are archived, the others deleted.
    """
    Episode.objects.select_for_update().filter(pk=episode.pk).first()  # one apply at a time
    plan = plan_breakdown(episode=episode, text=text, user=edited_by, rules=rules)
    if plan.refusal:
        raise PlanRefused(plan.refusal)
    if plan.fingerprint != confirmed:
        raise PlanOutdated("The script or the storyboard changed since the summary: check again.")
    if episode.script.strip():  # storyboard edits since the last save become a version too
        record_version(episode=episode, text=episode.script, note="Storyboard edits", by=None)
    unchanged = []
    for position, item in enumerate(plan.items, start=1):
        if item.kind == "kept":  # same text and shot: only where it stands may differ
            scene = item.scene
            assert scene is not None
            scene.position, scene.source_line = position, item.parsed.line
            scene.omitted, scene.transition = item.parsed.omitted, item.parsed.transition
            unchanged.append(scene)
        else:
            _apply_item(episode, item, position)
    Scene.objects.bulk_update(unchanged, ["position", "source_line", "omitted", "transition"])
    for scene in plan.removed:
        _remove(scene)
    episode.script = text
    episode.script_updated_at = timezone.now()
    episode.script_problems = [
        {"line": p.line, "message": p.message, "fix": p.fix} for p in plan.problems
    ]
    episode.save(update_fields=["script", "script_updated_at", "script_problems"])
    record_version(episode=episode, text=text, note=note, by=edited_by)
    publish_board_changed(project_id=episode.project_id, episode_id=episode.pk)
    return plan


def save_script(
    *, episode: Episode, text: str, edited_by: User, rules: ShotRules = DEFAULT_RULES
) -> BreakdownPlan:
    """Break down and apply at once, for callers that already confirmed (demo data, imports)."""
    plan = plan_breakdown(episode=episode, text=text, user=edited_by, rules=rules)
    return apply_breakdown(
        episode=episode, text=text, edited_by=edited_by, confirmed=plan.fingerprint, rules=rules
    )
