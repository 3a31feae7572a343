"""The design task: make one round of candidates (ids in, the service does the work)."""

from __future__ import annotations

from celery import shared_task

from generation.design.services import MAKE_TASK, make_candidates


@shared_task(name=MAKE_TASK, ignore_result=True, soft_time_limit=300, time_limit=330)
def make_design_candidates(round_id: str) -> None:
    """Make the images of a round of design candidates (a second delivery does nothing)."""
    make_candidates(round_id)
