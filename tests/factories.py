"""Small builders for rows the tests need and that no user flow makes quickly."""

from __future__ import annotations

from typing import Any

from generation.models import Take
from generation.services import GenerationRefused
from generation.takes.door import TakeKind, start_takes
from projects.models import Scene


def unsaved_take(scene: Scene, user: Any, *, number: int = 1, **fields: Any) -> Take:
    """A take of the animatic provider, as if requested by `user` (not saved)."""
    defaults: dict[str, Any] = {
        "provider": "animatic",
        "prompt": "p",
        "duration_seconds": 4,
        "width": 720,
        "height": 1280,
    }
    return Take(scene=scene, number=number, requested_by=user, **{**defaults, **fields})


def make_take(scene: Scene, user: Any, *, number: int = 1, **fields: Any) -> Take:
    """A saved take; `fields` override statuses, files and the like."""
    take = unsaved_take(scene, user, number=number, **fields)
    take.save()
    return take


def request_takes(*, scenes: Any, requested_by: Any) -> list[Take]:
    """Generate these scenes through the one door, as the card's Generate does.

    A scene already generating is skipped (as a double click is); any other refusal
    raises GenerationRefused with the door's message.
    """
    started = start_takes(scenes=scenes, requested_by=requested_by, kind=TakeKind.GENERATE)
    if any(r.code != "busy" for r in started.refused):
        raise GenerationRefused(started.message)
    return started.takes
