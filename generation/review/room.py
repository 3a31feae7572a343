"""What the review room shows: the filmstrip, the stage of one scene, and its live pieces.

Partials never need `request`: the consumer renders the same pieces for a push.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

import av
from django.db.models import Prefetch
from django.template.loader import render_to_string

from characters.models import ReferenceImage
from characters.stored_files import probe_location
from generation.board.render import card_scenes, visible_cast
from generation.board.status import card_take, scene_status
from generation.models import GenerationStatus, ReasonCode, Take
from generation.review.models import ReviewComment
from generation.takes.door import takes_left
from projects.models import Episode, Membership, Scene

PAGE = "generation/review/room.html"
STAGE = PAGE + "#stage"
STRIP_ITEM = PAGE + "#strip_item"
LOG = PAGE + "#scene_log"
COMMENTS = PAGE + "#comments"
DEFAULT_FPS = 24.0


def room_scenes(episode: Episode) -> list[Scene]:
    """The scenes a reviewer goes through, in order (omitted scenes are not reviewed)."""
    return list(
        card_scenes(Scene.objects.filter(episode=episode, omitted=False)).order_by("position", "pk")
    )


PROBE_SECONDS = 5.0
_rates: OrderedDict[tuple[str, str], float] = OrderedDict()
_rates_lock = Lock()


def _probe_rate(location: str) -> float | None:
    try:  # a presigned URL: FFmpeg reads the header's byte ranges only
        with av.open(location, timeout=PROBE_SECONDS) as container:
            rate = container.streams.video[0].average_rate
    except (av.FFmpegError, IndexError, OSError):
        return None  # not kept: the next page asks again
    return float(rate) if rate else DEFAULT_FPS


def frame_rate(take: Take) -> float:
    """The take's real frame rate, read from its file (so ←/→ step exactly one frame);
    probed once per stored file and process (a stored name never changes its bytes)."""
    if not take.video:
        return DEFAULT_FPS
    location = probe_location(take.video)
    key = (location.split("?", 1)[0], take.video.name or "")
    with _rates_lock:
        if key in _rates:
            return _rates[key]
    rate = _probe_rate(location)
    if rate is None:
        return DEFAULT_FPS
    with _rates_lock:
        _rates[key] = rate
        while len(_rates) > 512:
            _rates.popitem(last=False)
    return rate


def next_waiting(scenes: list[Scene], after: Scene | None) -> Scene | None:
    """The next scene waiting for review after `after` (wrapping round), else None."""
    start = next((i for i, s in enumerate(scenes) if after and s.pk == after.pk), -1)
    ordered = scenes[start + 1 :] + scenes[: start + 1]
    waiting = [s for s in ordered if scene_status(s) == "needs_review"]
    # A take the continuity check flagged is reviewed first.
    flagged = [s for s in waiting if (t := card_take(s)) is not None and t.continuity_flagged]
    return next(iter(flagged or waiting), None)


def _approved_near(scenes: list[Scene], index: int, step: int) -> Scene | None:
    i = index + step
    while 0 <= i < len(scenes):
        if scene_status(scenes[i]) == "approved":
            return scenes[i]
        i += step
    return None


def _cast(scene: Scene, seen: set[int]) -> list[dict[str, Any]]:
    return [{"character": c if c.pk in seen else None, "pk": c.pk} for c in scene.cast.all()]


def _references(scene: Scene, seen: set[int]) -> list[dict[str, Any]]:
    """The reference images of the scene's cast the viewer may see, per character.

    `seen` comes from `visible_cast` (Character.objects.visible_to): a character the viewer
    may not see gives nothing here, not even its name.
    """
    cast = [c for c in scene.cast.all() if c.pk in seen]
    if not cast:
        return []
    by_character: dict[int, list[ReferenceImage]] = {c.pk: [] for c in cast}
    for ref in ReferenceImage.objects.filter(character_id__in=by_character).order_by(
        "character_id", "look_id", "angle", "created_at"
    ):
        by_character[ref.character_id].append(ref)
    return [{"character": c, "references": by_character[c.pk]} for c in cast
            if by_character[c.pk]]  # fmt: skip


def _takes(scene: Scene) -> list[Take]:
    finished = GenerationStatus.SUCCEEDED
    return list(
        scene.takes.filter(generation_status=finished)  # type: ignore[attr-defined]
        .order_by("-number")
        .prefetch_related(
            "decisions__author",
            Prefetch(
                "comments",
                queryset=ReviewComment.objects.filter(parent=None)
                .select_related("author", "resolved_by")
                .prefetch_related("replies__author"),
            ),
        )
    )


def _last_reason(take: Take | None) -> Any:
    """The reason a rejected or changes-requested take carries into its retake."""
    if take is None or take.review_status not in ("rejected", "changes_requested"):
        return None
    asked = [d for d in take.decisions.all() if d.action in ("reject", "request_changes")]
    return asked[-1] if asked else None


def stage_context(
    *, scenes: list[Scene], scene: Scene, member: Membership, take_number: int | None = None
) -> dict[str, Any]:
    """The player, script, cast and continuity of one scene, for its viewer."""
    index = next(i for i, s in enumerate(scenes) if s.pk == scene.pk)
    takes = _takes(scene)
    card = card_take(scene)
    take = next((t for t in takes if t.number == take_number), None) or next(
        (t for t in takes if card and t.pk == card.pk), takes[0] if takes else None
    )
    other = next((t for t in takes if take and t.pk != take.pk), None)
    seen = visible_cast([scene], member)
    return {
        "episode": scene.episode,
        "scene": scene,
        "member": member,
        "takes": takes,
        "take": take,
        "compare_take": other,
        "scene_has_decisions": any(t.decisions.all() for t in takes),
        "last_reason": _last_reason(take),
        "takes_left": takes_left(scene) if take else None,
        "fps": frame_rate(take) if take else DEFAULT_FPS,
        "cast": _cast(scene, seen),
        "references": _references(scene, seen) if take else [],
        "previous_scene": scenes[index - 1] if index > 0 else None,
        "next_scene": scenes[index + 1] if index + 1 < len(scenes) else None,
        "previous_approved": _approved_near(scenes, index, -1),
        "next_approved": _approved_near(scenes, index, 1),
        "next_waiting": next_waiting(scenes, scene),
        "reasons": ReasonCode.choices,
        "waiting": sum(1 for s in scenes if scene_status(s) == "needs_review"),
        "total": len(scenes),
    }


def room_context(
    *, episode: Episode, scene: Scene, member: Membership, take_number: int | None = None
) -> dict[str, Any]:
    """The whole page: the filmstrip of the episode's scenes and the stage of one."""
    scenes = room_scenes(episode)
    return {
        "scenes": scenes,
        **stage_context(scenes=scenes, scene=scene, member=member, take_number=take_number),
    }


def render_stage(context: dict[str, Any]) -> str:
    return render_to_string(STAGE, context)


def render_strip_item(scene: Scene, *, current: Scene | None = None, oob: bool = True) -> str:
    """One scene of the filmstrip, as an out-of-band swap."""
    context = {"s": scene, "scene": current, "oob": oob}
    return render_to_string(STRIP_ITEM, context).strip()


def render_live(scene: Scene, member: Membership) -> str:
    """What an open review room swaps when a scene changed: its filmstrip item and log."""
    scenes = [scene]
    context = stage_context(scenes=scenes, scene=scene, member=member)
    context["oob"] = True
    parts = [render_strip_item(scene), render_to_string(LOG, context)]
    for take in context["takes"]:
        parts.append(render_to_string(COMMENTS, {**context, "take": take}))
    return "".join(parts)
