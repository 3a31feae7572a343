"""The design task: make one round of candidates (ids in, the service does the work)."""

from __future__ import annotations

from celery import shared_task

from generation.design.clips import CLIP_TASK, step_clip
from generation.design.services import MAKE_TASK, make_candidates


@shared_task(name=MAKE_TASK, ignore_result=True, soft_time_limit=300, time_limit=330)
def make_design_candidates(round_id: str) -> None:
    """Make the images of a round of design candidates (a second delivery does nothing)."""
    make_candidates(round_id)


@shared_task(name=CLIP_TASK, ignore_result=True, soft_time_limit=300, time_limit=330)
def step_reference_clip(clip_id: int) -> None:
    """Submit, poll or download a reference clip; re-schedules itself while it is made."""
    wait = step_clip(clip_id)
    if wait is not None:
        step_reference_clip.apply_async(args=[clip_id], countdown=wait)
