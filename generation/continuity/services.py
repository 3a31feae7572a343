"""The continuity check of a finished take: frames sampled, each cast member scored.

The local palette check always runs (free); the judge runs where the studio has one
(generation/continuity/judge.py). The per-character results are `ContinuityCheck` rows;
the take keeps the summary its card shows (lowest score, flagged under the project's
threshold, the notes), and its card is pushed live. A flagged take may get one
automatic retake per scene (generation/continuity/retake.py), through the one door.
"""

from __future__ import annotations

import logging
from typing import IO

from django.db import transaction
from PIL import Image

from characters.faces import has_human_face
from characters.models import Character, ReferenceImage
from generation.continuity.frames import sample_frames
from generation.continuity.judge import CastMember, Verdict, ask_judge, judge_for
from generation.continuity.models import ContinuityCheck, ContinuitySettings, JudgeState
from generation.continuity.palette import palette_score
from generation.continuity.retake import maybe_retake
from generation.models import GenerationStatus, Take
from generation.providers import PROVIDERS
from generation.takes.events import publish_take

log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 60
MAX_REFERENCES = 3  # per character sent to the judge: front, side, back


def threshold_of(project_id: int) -> int:
    found = ContinuitySettings.objects.filter(project_id=project_id).first()
    return found.threshold if found else DEFAULT_THRESHOLD


def _references(character: Character, look_name: str) -> list[ReferenceImage]:
    refs = list(character.references.select_related("look"))
    own = [r for r in refs if r.look is None]
    looked = [r for r in refs if r.look is not None and r.look.name == look_name]
    return (looked or own)[:MAX_REFERENCES]


def _open(reference: ReferenceImage) -> Image.Image:
    with reference.image.open("rb") as stored, Image.open(stored) as image:
        return image.convert("RGB")


def _frames(take: Take) -> list[Image.Image]:
    with take.video.open("rb") as video:
        stream: IO[bytes] = video
        return [image for _, image in sample_frames(stream)]


def check_take(take_id: int) -> None:
    """Score every cast member of a succeeded take and record the result on its card."""
    take = (
        Take.objects.select_related("scene__episode__project")
        .filter(pk=take_id, generation_status=GenerationStatus.SUCCEEDED)
        .first()
    )
    if take is None or not take.video:
        return
    scene = take.scene
    cast = {
        c.pk: CastMember(c.handle, c.name, c.appearance, [_open(r) for r in refs])
        for c in scene.cast.all()
        if (refs := _references(c, scene.look))
    }
    if not cast:
        return  # nobody to compare with: the card shows no continuity badge
    frames = _frames(take)
    judge = judge_for(scene.episode.project.studio_id)
    answer = ask_judge(judge, list(cast.values()), frames, take=take) if judge else None
    verdicts = answer.verdicts if answer else None
    state = (
        JudgeState.OFF
        if judge is None
        else (JudgeState.CHECKED if verdicts else JudgeState.NOT_CHECKED)
    )
    checks = [_record(take, pk, member, frames, state, verdicts) for pk, member in cast.items()]
    why = answer.why if answer else ""
    _summarise(take, checks, state, faces=_faces_refused(take, frames), why=why)
    take.refresh_from_db()
    maybe_retake(take)


def _record(
    take: Take,
    character_id: int,
    member: CastMember,
    frames: list[Image.Image],
    state: str,
    verdicts: dict[str, Verdict] | None,
) -> ContinuityCheck:
    local = palette_score(member.references, frames)
    verdict = (verdicts or {}).get(member.handle)
    check, _ = ContinuityCheck.objects.update_or_create(
        take=take,
        character_id=character_id,
        defaults={
            "local_score": local,
            "local_detail": f"Reference colours found in the frames: {local}/100.",
            "judge_state": state,
            "judge_score": verdict.score if verdict else None,
            "judge_notes": verdict.notes if verdict else "",
            "frames": len(frames),
        },
    )
    return check


def _faces_refused(take: Take, frames: list[Image.Image]) -> int:
    """Frames showing a human face, where the take's provider refuses human likeness."""
    provider = PROVIDERS.get(take.provider)
    if provider is None or not provider.prompt_shape.rejects_faces:
        return 0
    return sum(1 for frame in frames if has_human_face(frame))


def _summarise(
    take: Take, checks: list[ContinuityCheck], state: str, *, faces: int, why: str = ""
) -> None:
    scored = [(c.score, c) for c in checks if c.score is not None]
    low = min(s for s, _ in scored) if scored else None
    flagged = low is not None and low < threshold_of(take.scene.episode.project_id)
    notes = [f"@{c.character.handle}: {c.judge_notes}" for c in checks if c.judge_notes]
    if state == JudgeState.NOT_CHECKED:  # the budget's refusal, else no valid answer
        notes.append(f"Judge: not run. {why} Colours only." if why else
                     "Judge: not checked (no valid answer); colours only.")  # fmt: skip
    if faces:  # the character drifted towards a real person: the provider refuses those
        notes.append(f"A human face shows in {faces} of {checks[0].frames} frames.")
    with transaction.atomic():
        Take.objects.filter(pk=take.pk).update(
            continuity_score=low, continuity_flagged=flagged, continuity_notes=" ".join(notes)[:500]
        )
        publish_take(take)
