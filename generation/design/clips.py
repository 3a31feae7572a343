"""The reference clip: a 4 s turnaround made from the chosen front view by a video provider.

Providers that register characters take a 2–4 s clip (docs/characters.md); this makes one
from the design instead of asking the owner to film or animate it. The studio's credential
for a video provider that starts from an input image (`Provider.takes_input_image`) makes
it; it is priced by the video price table and counted against the character design
budget. One small task drives it (`step_clip`: submit, then poll by re-scheduling itself,
then download); the result passes the same clip checks as an upload before it is shown,
and becomes the character's reference clip only when the owner says so.
"""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from functools import partial
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from PIL import Image

from characters.models import Character
from characters.services import set_reference_clip
from characters.uploads import check_clip
from generation.credentials import ProviderCredential
from generation.design.models import CandidateStatus, ReferenceClip
from generation.design.services import DesignRefused, front_reference
from generation.money.design import design_budget, lock_design_budget
from generation.money.pricing import price_book
from generation.providers import PROVIDERS, ProviderError, get_provider
from generation.providers.base import VideoRequest
from projects.models import Membership

CLIP_TASK = "generation.design.step_clip"
SECONDS, SIZE = 4, (720, 1280)
GIVE_UP_SECONDS = 30 * 60
PROMPT = (
    "Turntable reference clip of {name}: the character stands still in the centre, neutral "
    "pose, and the camera orbits once around it at constant speed, full body always in "
    "frame, plain light grey background, even lighting, no other characters, no text. "
    "Appearance: {appearance}"
)


def clip_credential(studio_id: int) -> ProviderCredential | None:
    """The studio's credential for a video provider that starts from an image, if any."""
    names = [name for name, cls in PROVIDERS.items() if cls.takes_input_image]
    return ProviderCredential.objects.filter(studio_id=studio_id, provider__in=names).first()


def clip_estimate(credential: ProviderCredential) -> Decimal | None:
    """What a 4 s clip costs at the video price table (None when it has no price)."""
    book = price_book(studio_id=credential.studio_id, provider=credential.provider)
    return book.cost(seconds=SECONDS, width=SIZE[0], height=SIZE[1])


def request_clip(*, member: Membership, character: Character, requested_by: User) -> ReferenceClip:
    """Start a reference clip from the character's front view, within the design budget."""
    if not member.can_generate:
        raise DesignRefused("Your role in this studio cannot generate.")
    if front_reference(character, None) is None:
        raise DesignRefused("Pick or upload a front reference first: the clip starts from it.")
    credential = clip_credential(member.studio_id)
    if credential is None:
        raise DesignRefused(
            "This studio has no video provider that starts from an image: an owner adds an "
            "OpenAI-compatible Videos credential under Providers."
        )
    price = clip_estimate(credential)
    if price is None:
        raise DesignRefused("The price table has no price for this clip: an owner adds one.")
    with transaction.atomic():
        lock_design_budget(member.studio_id)
        busy = ReferenceClip.objects.filter(
            character=character, studio_id=member.studio_id,
            status__in=(CandidateStatus.QUEUED, CandidateStatus.RUNNING),
        )  # fmt: skip
        if busy.exists():
            raise DesignRefused("A reference clip is being made: wait for it.")
        if refusal := design_budget(member.studio_id).refusal(price, "this clip costs"):
            raise DesignRefused(refusal)
        appearance = " ".join(character.appearance.split())
        clip = ReferenceClip.objects.create(
            studio_id=member.studio_id, character=character, provider=credential.provider,
            credential=credential, estimate=price, requested_by=requested_by,
            prompt=PROMPT.format(name=character.name, appearance=appearance),
        )  # fmt: skip
        transaction.on_commit(partial(current_app.send_task, CLIP_TASK, args=[clip.pk]))
    return clip


def _front_frame(character: Character) -> bytes:
    """The front view centred on plain paper at the clip's size (the provider wants that size)."""
    front = front_reference(character, None)
    assert front is not None  # noqa: S101 (checked when the clip was asked for)
    with front.image.open("rb") as stored, Image.open(stored) as image:
        figure = image.convert("RGBA")
    figure.thumbnail((SIZE[0] - 80, SIZE[1] - 160))
    canvas = Image.new("RGB", SIZE, (236, 234, 228))
    canvas.paste(figure, ((SIZE[0] - figure.width) // 2, (SIZE[1] - figure.height) // 2), figure)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()


def _end(clip: ReferenceClip, status: str, error: str, *, paid: bool = False) -> None:
    cost = clip.estimate if paid else 0
    ReferenceClip.objects.filter(
        pk=clip.pk, status__in=(CandidateStatus.QUEUED, CandidateStatus.RUNNING)
    ).update(status=status, error=error, cost=cost)


def step_clip(clip_id: int) -> float | None:
    """One step of a clip: submit, poll or download. Seconds until the next step, or None."""
    clip = (
        ReferenceClip.objects.select_related("credential", "character").filter(pk=clip_id).first()
    )
    if clip is None or not clip.in_progress or clip.credential is None:
        return None
    provider = get_provider(clip.provider, clip.credential.config())
    request = VideoRequest(
        prompt=clip.prompt, duration_seconds=SECONDS, width=SIZE[0], height=SIZE[1]
    )
    try:
        if clip.status == CandidateStatus.QUEUED:
            claimed = ReferenceClip.objects.filter(pk=clip.pk, status=CandidateStatus.QUEUED)
            if claimed.update(status=CandidateStatus.RUNNING) != 1:
                return None
            job_id = provider.submit_from_image(request, _front_frame(clip.character))
            ReferenceClip.objects.filter(pk=clip.pk).update(job_id=job_id)
            return settings.COMICSTUDIO_POLL_SECONDS
        status = provider.poll(clip.job_id)
        if status.state in ("failed", "blocked"):
            kind = CandidateStatus.BLOCKED if status.state == "blocked" else CandidateStatus.FAILED
            _end(clip, kind, status.error)
            return None
        if status.state != "succeeded":
            if (timezone.now() - clip.created_at).total_seconds() > GIVE_UP_SECONDS:
                _end(
                    clip,
                    CandidateStatus.FAILED,
                    "The provider did not finish the clip in time.",
                    paid=True,
                )
                return None
            return status.poll_after or settings.COMICSTUDIO_POLL_SECONDS
        _download(clip, provider, status.cost)
    except ProviderError as exc:
        if exc.permanent or exc.blocked or not clip.job_id:
            _end(clip, CandidateStatus.BLOCKED if exc.blocked else CandidateStatus.FAILED, str(exc))
            return None
        return settings.COMICSTUDIO_POLL_SECONDS  # a poll without an answer: ask again
    return None


def _download(clip: ReferenceClip, provider: object, reported: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        video, thumb = Path(tmp, "clip.mp4"), Path(tmp, "clip.jpg")
        provider.download(clip.job_id, video_path=video, thumbnail_path=thumb)  # type: ignore[attr-defined]
        paid = reported if reported is not None else clip.estimate
        try:
            with video.open("rb") as stream:
                seconds = check_clip(stream, size=video.stat().st_size)
        except ValidationError as exc:
            error = f"The provider's clip is not usable: {exc.messages[0]}"
            ReferenceClip.objects.filter(pk=clip.pk).update(
                status=CandidateStatus.FAILED, error=error, cost=paid
            )
            return
        with video.open("rb") as stream:
            clip.video.save("clip.mp4", File(stream), save=False)
    ReferenceClip.objects.filter(pk=clip.pk).update(
        video=clip.video.name, seconds=seconds, status=CandidateStatus.READY, cost=paid
    )


def use_clip(*, clip: ReferenceClip) -> None:
    """Make a ready clip the character's reference clip (checked again, as an upload is)."""
    if clip.status != CandidateStatus.READY or not clip.video:
        raise DesignRefused("Only a finished clip can become the reference clip.")
    with clip.video.open("rb") as stream:
        try:
            seconds = check_clip(stream, size=clip.video.size)
        except ValidationError as exc:
            raise DesignRefused(exc.messages[0]) from None
        stream.seek(0)
        set_reference_clip(character=clip.character, clip=File(stream), seconds=seconds)
    ReferenceClip.objects.filter(pk=clip.pk).update(used_at=timezone.now())
