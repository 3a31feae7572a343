"""What an export is made of: the take (or a slate) per scene, what blocks a final export,
and the fingerprint that tells whether an export is stale."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from generation.export.models import Export, ExportKind, ExportStatus
from generation.export.translations import dialogue_with_translations
from generation.models import GenerationStatus, ReviewStatus, Take
from generation.sound.mix import sound_fingerprint
from projects.models import Episode, Scene


@dataclass(frozen=True)
class Shot:
    """One scene's place in an export: its take, or a slate with its heading (drafts)."""

    scene_id: int
    position: int
    heading: str
    duration_seconds: int
    dialogue: list[dict[str, Any]]  # speaker, line, and translations by language
    take_id: int | None
    take_number: int | None
    source: str  # "approved", "latest" or "slate"
    video_name: str


def scenes_to_export(episode: Episode) -> list[Scene]:
    """The episode's scenes in order, without omitted or archived ones, takes prefetched."""
    return list(
        episode.scenes.filter(omitted=False, archived_at__isnull=True)
        .order_by("position")
        .prefetch_related("takes", "translations")
    )


def _succeeded(scene: Scene) -> list[Take]:
    takes = scene.takes.all()  # type: ignore[attr-defined]
    return [t for t in takes if t.generation_status == GenerationStatus.SUCCEEDED and t.video]


def _approved(scene: Scene) -> Take | None:
    return next((t for t in _succeeded(scene) if t.review_status == ReviewStatus.APPROVED), None)


def blocking_scenes(episode: Episode) -> list[Scene]:
    """Scenes without an approved take: a final export waits for them."""
    return [scene for scene in scenes_to_export(episode) if _approved(scene) is None]


def _shot(scene: Scene, take: Take | None, source: str) -> Shot:
    return Shot(
        scene_id=scene.pk,
        position=scene.position,
        heading=scene.heading,
        duration_seconds=scene.duration_seconds,
        dialogue=dialogue_with_translations(scene),
        take_id=take.pk if take else None,
        take_number=take.number if take else None,
        source=source,
        video_name=(take.video.name or "") if take else "",
    )


def shots(episode: Episode, kind: str) -> list[Shot]:
    """The takes an export of this kind would use now, in scene order."""
    result = []
    for scene in scenes_to_export(episode):
        approved = _approved(scene)
        if approved is not None:
            result.append(_shot(scene, approved, "approved"))
        elif kind == ExportKind.DRAFT and (latest := next(iter(_succeeded(scene)), None)):
            result.append(_shot(scene, latest, "latest"))
        elif kind == ExportKind.DRAFT:
            result.append(_shot(scene, None, "slate"))
    return result


def fingerprint(episode: Episode, kind: str, options: dict[str, object]) -> str:
    """A hash of the inputs: approvals, new takes, script and order changes all change it."""
    newest = {
        scene.pk: max((t.number for t in scene.takes.all()), default=0)  # type: ignore[attr-defined]
        for scene in scenes_to_export(episode)
    }
    data = {
        "kind": kind,
        "options": options,
        "script": episode.script,
        "shots": [asdict(s) | {"newest_take": newest[s.scene_id]} for s in shots(episode, kind)],
        "sound": sound_fingerprint(episode),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def latest_finished(episode: Episode, kind: str | None = None) -> Export | None:
    exports = Export.objects.filter(episode=episode, status=ExportStatus.SUCCEEDED)
    if kind:
        exports = exports.filter(kind=kind)
    return exports.order_by("-number").first()
