"""What a take tells the rest of the system after commit: its card changed, its task is due.

Tasks are sent by name (Celery's `send_task`), so the door and the engine, which the
tasks module imports, can start a task without importing it back.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction

from generation.models import CONTINUITY_TASK, POLL_TASK, SUBMIT_TASK, Take
from projects.live import publish_scene_changed


def publish_take(take: Take) -> None:
    """After commit, tell the project's viewers the take's scene card changed."""
    scene = take.scene
    publish_scene_changed(
        project_id=scene.episode.project_id, episode_id=scene.episode_id, scene_id=scene.pk
    )


def send_submit(take_id: int) -> None:
    """Send the submit task of a take now (the caller is past its commit)."""
    current_app.send_task(SUBMIT_TASK, args=[take_id])


def submit_on_commit(take_id: int) -> None:
    """Send the take's submit task once the transaction that created it commits."""
    transaction.on_commit(lambda: send_submit(take_id))


def poll_on_commit(take_id: int) -> None:
    """Poll the take now (a webhook said its job finished), after commit."""
    transaction.on_commit(lambda: current_app.send_task(POLL_TASK, args=[take_id]))


def check_continuity_on_commit(take_id: int) -> None:
    """Check a take that just succeeded against its cast's references, after commit."""
    transaction.on_commit(lambda: current_app.send_task(CONTINUITY_TASK, args=[take_id]))
