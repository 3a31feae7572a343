"""What the storyboard card's "lines don't fit" flag adds to the card's cache key."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from generation.board.cards import card_facts
from generation.sound.models import SceneSound


@card_facts
def voiced_seconds(scene_ids: Sequence[int]) -> dict[int, Hashable]:
    """Seconds each scene's voiced lines need (the flag compares them with the shot)."""
    rows = SceneSound.objects.filter(scene_id__in=scene_ids)
    return dict(rows.values_list("scene_id", "dialogue_seconds"))
