"""Small builders for rows the tests need and that no user flow makes quickly."""

from __future__ import annotations

from typing import Any

from generation.models import Take
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
