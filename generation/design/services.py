"""Design with AI: ask for candidates, make them (in a task), pick one as a reference, discard.

The pick goes through the characters app's own door for references (`check_image`, then
`add_reference`: size, content and the face warning, exactly as an upload), so a designed
reference is held to the same rules as an uploaded one.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from characters.models import Angle, Character, Look, ReferenceImage
from characters.services import add_reference
from characters.uploads import check_image
from generation.design.models import (
    STALE_AFTER,
    CandidateStatus,
    DesignAngle,
    DesignCandidate,
    DesignSettings,
)
from generation.design.prompts import SIZES, design_prompt
from generation.money.design import design_budget, image_price, lock_design_budget
from generation.providers.base import ProviderError
from generation.providers.images import IMAGE_PROVIDERS, ImageRequest
from projects.models import Membership

log = logging.getLogger(__name__)
MAKE_TASK = "generation.design.make_candidates"
COUNTS = (2, 3, 4)
# A designed side/back/turnaround is a reference of this angle; the sheet is an extra.
REFERENCE_ANGLE = {
    DesignAngle.FRONT: Angle.FRONT,
    DesignAngle.SIDE: Angle.SIDE,
    DesignAngle.BACK: Angle.BACK,
    DesignAngle.TURNAROUND: Angle.EXTRA,
}


class DesignRefused(Exception):
    """A design action cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class DesignRequest:
    character: Character
    angle: str
    count: int
    look: Look | None = None
    note: str = ""


def front_reference(character: Character, look: Look | None) -> ReferenceImage | None:
    """The chosen front view the other angles are drawn from (the look's, else the character's)."""
    fronts = character.references.filter(angle=Angle.FRONT)
    own = fronts.filter(look=look).first()
    if own is not None or look is None:
        return own
    return fronts.filter(look=None).first()


def compiled_prompt(request: DesignRequest) -> str:
    """The prompt this request sends, as shown before sending."""
    from_front = request.angle != DesignAngle.FRONT and (
        front_reference(request.character, request.look) is not None
    )
    return design_prompt(
        request.character,
        request.angle,
        look=request.look,
        note=request.note,
        from_front=from_front,
    )


def ready_settings(studio_id: int) -> DesignSettings:
    """The studio's design settings with an image provider, or why there are none."""
    found = DesignSettings.objects.filter(studio_id=studio_id).first()
    if found is None or not found.ready:
        raise DesignRefused(
            "This studio has no image provider: an owner adds one under Character design."
        )
    return found


def estimate(settings_: DesignSettings, count: int) -> Decimal:
    """What `count` candidates cost at the image price table."""
    model = settings_.model or IMAGE_PROVIDERS[settings_.image_provider].default_model
    return image_price(settings_.image_provider, model) * count


def request_candidates(
    *, member: Membership, request: DesignRequest, requested_by: object
) -> list[DesignCandidate]:
    """Create a round of candidates (checked against the design budget) and send its task."""
    if not member.can_generate:
        raise DesignRefused("Your role in this studio cannot generate.")
    if request.count not in COUNTS:
        raise DesignRefused("Ask for 2, 3 or 4 candidates.")
    settings_ = ready_settings(member.studio_id)
    provider = IMAGE_PROVIDERS[settings_.image_provider]
    model = settings_.model or provider.default_model
    price = image_price(settings_.image_provider, model)
    prompt = compiled_prompt(request)
    with transaction.atomic():
        lock_design_budget(member.studio_id)
        if _being_made(member.studio_id, request):
            raise DesignRefused(
                f"{DesignAngle(request.angle).label} candidates are being made: wait for them "
                "before asking again."
            )
        refusal = design_budget(member.studio_id).refusal(price * request.count)
        if refusal:
            raise DesignRefused(refusal)
        round_id = uuid.uuid4()
        fields = {
            "studio_id": member.studio_id, "character": request.character, "look": request.look,
            "angle": request.angle, "round": round_id, "prompt": prompt, "note": request.note,
            "provider": provider.name, "model": model, "estimate": price,
            "requested_by": requested_by,
        }  # fmt: skip
        made = DesignCandidate.objects.bulk_create(
            [DesignCandidate(**fields) for _ in range(request.count)]
        )
        transaction.on_commit(partial(current_app.send_task, MAKE_TASK, args=[str(round_id)]))
    return made


def _being_made(studio_id: int, request: DesignRequest) -> bool:
    """Whether a round of this angle is in progress (a double click must not pay twice)."""
    active = DesignCandidate.objects.filter(
        studio_id=studio_id, character=request.character, look=request.look,
        angle=request.angle, status__in=(CandidateStatus.QUEUED, CandidateStatus.RUNNING),
        created_at__gte=timezone.now() - STALE_AFTER,
    )  # fmt: skip
    return active.exists()


def _front_png(candidate: DesignCandidate) -> bytes | None:
    if candidate.angle == DesignAngle.FRONT:
        return None
    front = front_reference(candidate.character, candidate.look)
    if front is None:
        return None
    with front.image.open("rb") as stored, Image.open(stored) as image:
        buffer = io.BytesIO()
        image.convert("RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def make_candidates(round_id: str) -> None:
    """Make a round's images with the studio's image provider; idempotent (claims the round)."""
    claimed = DesignCandidate.objects.filter(round=round_id, status=CandidateStatus.QUEUED)
    if claimed.update(status=CandidateStatus.RUNNING) == 0:
        return
    candidates = list(
        DesignCandidate.objects.filter(round=round_id).select_related("character", "look")
    )
    first = candidates[0]
    try:
        settings_ = ready_settings(first.studio_id)
        provider = IMAGE_PROVIDERS[first.provider](settings_.config())
        request = ImageRequest(
            prompt=first.prompt, count=len(candidates), size=SIZES[DesignAngle(first.angle)],
            reference=_front_png(first),
        )  # fmt: skip
        images = provider.generate(request)
    except (ProviderError, DesignRefused) as exc:
        blocked = isinstance(exc, ProviderError) and exc.blocked
        status = CandidateStatus.BLOCKED if blocked else CandidateStatus.FAILED
        DesignCandidate.objects.filter(round=round_id).update(status=status, error=str(exc))
        return
    for candidate, made in zip(candidates, images, strict=False):
        _store(candidate, made.content)
    missing = [c.pk for c in candidates[len(images) :]]
    DesignCandidate.objects.filter(pk__in=missing).update(
        status=CandidateStatus.FAILED, error="The provider made fewer images than asked."
    )


def _store(candidate: DesignCandidate, content: bytes) -> None:
    """Keep a made image as PNG (whatever the provider sent); it was paid for either way."""
    candidate.cost = candidate.estimate
    try:
        with Image.open(io.BytesIO(content)) as image:
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        candidate.status, candidate.error = CandidateStatus.FAILED, "The provider sent no image."
        candidate.save(update_fields=["status", "error", "cost"])
        return
    candidate.image.save("candidate.png", ContentFile(buffer.getvalue()), save=False)
    candidate.status = CandidateStatus.READY
    candidate.save(update_fields=["image", "status", "cost"])


@transaction.atomic
def pick_candidate(*, candidate: DesignCandidate) -> ReferenceImage:
    """Make a ready candidate the character's reference of its angle, through upload checks."""
    if candidate.status != CandidateStatus.READY or candidate.discarded_at is not None:
        raise DesignRefused("Only a finished candidate that was not discarded can be picked.")
    with candidate.image.open("rb") as stored:
        content = stored.read()
    try:
        checked = check_image(io.BytesIO(content), size=len(content))
    except ValidationError as exc:
        raise DesignRefused(f"This candidate cannot be a reference: {exc.messages[0]}") from None
    reference = add_reference(
        character=candidate.character, angle=REFERENCE_ANGLE[DesignAngle(candidate.angle)],
        checked=checked, look=candidate.look,
    )  # fmt: skip
    DesignCandidate.objects.filter(pk=candidate.pk).update(picked_at=timezone.now())
    return reference


@transaction.atomic
def discard_candidate(*, candidate: DesignCandidate) -> None:
    """Discard a candidate: its image is deleted after commit; its cost stays on the books."""
    if candidate.in_progress:  # a stalled one may go
        raise DesignRefused("This candidate is still being made: discard it once it is done.")
    name, storage = candidate.image.name, candidate.image.storage
    DesignCandidate.objects.filter(pk=candidate.pk).update(discarded_at=timezone.now(), image="")
    if name:
        transaction.on_commit(partial(storage.delete, name))
