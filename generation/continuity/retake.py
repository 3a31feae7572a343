"""The one automatic retake of a flagged take (where its project asks for it), via the door.

It runs as the flagged take's requester, exactly as if they had pressed Regenerate: the
door checks their role, the cast they may use, the provider's rules, the retake cap and
the budget. The judge's notes (else the local colour note) go in as corrections. A scene
gets at most one (`ContinuityRetake` is unique per scene), so a retake that is flagged
again is left to the reviewers.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from generation.continuity.models import ContinuityRetake, ContinuitySettings
from generation.models import Take
from generation.takes.door import TakeKind, start_takes
from generation.takes.events import publish_take

log = logging.getLogger(__name__)


def _corrections(take: Take) -> str:
    notes = take.continuity_notes.strip()
    return notes or "Keep every character exactly as in its reference images and bible."


def maybe_retake(take: Take) -> Take | None:
    """Start the scene's one continuity retake when the take is flagged and the project asks."""
    if not take.continuity_flagged:
        return None
    project = take.scene.episode.project
    wanted = ContinuitySettings.objects.filter(project=project, auto_retake=True).exists()
    if not wanted:
        return None
    try:
        with transaction.atomic():
            record = ContinuityRetake.objects.create(scene=take.scene, flagged_take=take)
    except IntegrityError:
        return None  # this scene had its automatic retake already
    started = start_takes(
        scenes=[take.scene],
        requested_by=take.requested_by,
        kind=TakeKind.CONTINUITY_RETAKE,
        source_take=take,
        corrections=_corrections(take),
    )
    if started.refused:
        log.info("take %s: no continuity retake: %s", take.pk, started.message)
        ContinuityRetake.objects.filter(pk=record.pk).update(refusal=started.message)
        note = f"{take.continuity_notes} Not retaken: {started.message}".strip()
        Take.objects.filter(pk=take.pk).update(continuity_notes=note[:500])
        publish_take(take)
        return None
    ContinuityRetake.objects.filter(pk=record.pk).update(take=started.takes[0])
    return started.takes[0]
