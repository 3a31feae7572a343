"""The reference clip: a 4 s turnaround from the front view, through the real `openai` SDK
against the fake Videos server, on a real worker; used only after the clip checks pass."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from generation.design.models import CandidateStatus, ReferenceClip
from generation.money.design import design_budget
from tests.character_media import clip_bytes
from tests.continuity_world import RED, set_front
from tests.providers import add_credential
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _url(name: str, studio, robot) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"generation:{name}", kwargs={"studio_id": studio.pk, "handle": robot.handle})


def _done(clip_id: int) -> ReferenceClip | None:
    clip = ReferenceClip.objects.get(pk=clip_id)
    return None if clip.in_progress else clip


def test_a_clip_is_made_from_the_front_view_priced_and_becomes_the_reference_clip_on_use(
    client, studio, writer, robot, design_settings, fake, fast_engine, celery_worker
):
    add_credential(studio, fake)
    fake.real_video = clip_bytes(4)
    set_front(robot, RED)
    client.force_login(writer)
    page = client.get(_url("design", studio, robot)).content.decode()
    assert "Make a reference clip" in page and "≈ $0.40" in page  # sora-2, 720p, 4 s

    started = client.post(_url("design_clip", studio, robot))

    assert started.status_code == 200
    clip = wait_for(lambda: _done(ReferenceClip.objects.get().pk), what="the clip", timeout=60)
    assert clip.status == CandidateStatus.READY, clip.error
    assert clip.seconds == 4.0 and clip.cost == Decimal("0.40")
    assert design_budget(studio.pk).spent == Decimal("0.40")
    (create,) = [r for r in fake.requests if r.method == "POST" and r.path == "/v1/videos"]
    assert create.headers["Content-Type"].startswith("multipart/form-data")  # input_reference
    assert create.body["seconds"] == "4" and create.body["size"] == "720x1280"
    assert create.body["prompt"].startswith("Turntable reference clip of Rosa")

    used = client.post(_url("design_clip_use", studio, robot), {"clip": clip.pk})

    assert used.status_code == 200 and "Saved as Rosa's reference clip" in used.content.decode()
    robot.refresh_from_db()
    assert robot.reference_clip and robot.clip_seconds == 4.0


def test_a_clip_the_checks_refuse_is_shown_failed_and_never_used(
    client, studio, writer, robot, design_settings, fake, fast_engine, celery_worker
):
    add_credential(studio, fake)  # the fake serves marker bytes, not an MP4
    set_front(robot, RED)
    client.force_login(writer)
    client.post(_url("design_clip", studio, robot))

    clip = wait_for(lambda: _done(ReferenceClip.objects.get().pk), what="the clip", timeout=60)

    assert clip.status == CandidateStatus.FAILED
    assert clip.error.startswith("The provider's clip is not usable: This file is not a video")
    refused = client.post(_url("design_clip_use", studio, robot), {"clip": clip.pk})
    assert refused.status_code == 409
    robot.refresh_from_db()
    assert not robot.reference_clip


def test_without_a_front_view_or_a_video_provider_nothing_is_sent(
    client, studio, writer, robot, design_settings
):
    client.force_login(writer)
    no_front = client.post(_url("design_clip", studio, robot))
    set_front(robot, RED)
    no_provider = client.post(_url("design_clip", studio, robot))

    assert no_front.status_code == 409 and "front reference first" in no_front.content.decode()
    assert no_provider.status_code == 409
    assert "no video provider that starts from an image" in no_provider.content.decode()
    assert not ReferenceClip.objects.exists()
