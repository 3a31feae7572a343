"""Voicing a scene in a worker: thin, takes an id, safe to run twice (the cache answers)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model

from generation.sound.speech import VoicingFailed, voice_scene
from projects.models import Scene


@shared_task(bind=True, soft_time_limit=600, time_limit=660)
def voice_scene_task(self: Any, scene_id: int, user_id: int | None = None) -> None:
    """Voice the scene's lines (cached lines cost nothing); the card refreshes itself."""
    scene = Scene.objects.select_related("episode__project").filter(pk=scene_id).first()
    if scene is None:
        return
    try:
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        voice_scene(scene=scene, requested_by=user)
    except VoicingFailed:
        pass  # recorded on the scene's sound (voicing_error), shown on its sound page
