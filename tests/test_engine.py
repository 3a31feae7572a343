"""The generation engine against the fake provider, through the real SDKs and a real worker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from generation.models import GenerationStatus
from generation.review.services import record_review
from generation.services import cancel_take
from generation.takes import slots
from tests.factories import request_takes
from tests.fake_provider import video_bytes
from tests.providers import add_credential, all_final, batch_episode, scenes_of
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _run(studio, writer, actions, *, provider="openai", timeout=90):  # type: ignore[no-untyped-def]
    episode = batch_episode(studio, writer, actions, provider=provider)
    takes = request_takes(scenes=scenes_of(episode), requested_by=writer)
    wait_for(lambda: all_final(takes), timeout=timeout, what="every take to end")
    return takes


def test_a_twenty_scene_batch_keeps_exactly_the_limit_in_flight_and_all_succeed(
    studio, writer, fake, fast_engine, celery_worker, list_prices
):
    add_credential(studio, fake, concurrency_limit=4)
    takes = _run(studio, writer, [f"Shot {i}: the kettle sings." for i in range(20)])

    assert [t.generation_status for t in takes] == [GenerationStatus.SUCCEEDED] * 20
    assert fake.max_in_flight() == 4
    assert set(fake.submissions_per_prompt().values()) == {1}
    for take in takes:
        stored = Path(settings.MEDIA_ROOT, take.video.name).read_bytes()
        assert stored == video_bytes(take.provider_job_id)
        assert take.cost == take.duration_seconds * take.cost.__class__("0.10")


def test_a_429_storm_is_retried_after_retry_after_and_counted_per_credential(
    studio, writer, fake, fast_engine, celery_worker
):
    credential = add_credential(studio, fake)
    fake.fail_next_creates(6, status=429, retry_after=1)

    takes = _run(studio, writer, ["Rain.", "Snow.", "Hail."])

    assert {t.generation_status for t in takes} == {GenerationStatus.SUCCEEDED}
    assert sum(t.retries for t in takes) == 0  # 429s slow the credential's pace instead
    assert slots.retry_counts(credential.pk) == {"rate_limit": 6}
    assert set(fake.submissions_per_prompt().values()) == {1}
    creates = [r for r in fake.requests if r.method == "POST" and r.path == "/v1/videos"]
    for take in takes:
        times = [r.at for r in creates if r.body.get("prompt") == take.prompt]
        assert all(b - a >= 0.95 for a, b in zip(times, times[1:], strict=False)), times


def test_server_errors_are_retried_and_give_up_with_a_message(
    studio, writer, fake, fast_engine, celery_worker
):
    fast_engine.COMICSTUDIO_MAX_RETRIES = 2
    add_credential(studio, fake, concurrency_limit=1)
    fake.fail_next_creates(2, status=500, retry_after=None)
    (recovered,) = _run(studio, writer, ["Sunrise."])
    assert recovered.generation_status == GenerationStatus.SUCCEEDED

    fake.fail_next_creates(10, status=500, retry_after=None)
    (given_up,) = _run(studio, writer, ["Sunset."])
    assert given_up.generation_status == GenerationStatus.FAILED
    assert "stayed unavailable after 2 retries" in given_up.error
    assert "(500)" in given_up.error


def test_a_moderation_refusal_is_blocked_with_the_providers_message_and_not_retried(
    studio, writer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake)
    (take,) = _run(studio, writer, ["A fight [moderation]."])

    assert take.generation_status == GenerationStatus.BLOCKED
    assert take.error == (
        "Refused by the provider: Your request was blocked by our moderation system."
    )
    assert fake.submissions_per_prompt() == {take.prompt: 1}
    assert take.retries == 0 and take.cost == 0


def test_a_job_stuck_at_99_percent_is_stalled_after_the_credentials_deadline(
    studio, writer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake, stall_seconds=2)
    (take,) = _run(studio, writer, ["The clock stops [stuck]."])

    assert take.generation_status == GenerationStatus.STALLED
    assert take.error == "No progress for 2 s: the provider seems stuck."
    assert take.progress == 99


def test_a_connection_dropped_after_sending_is_reconciled_without_paying_twice(
    studio, writer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake)
    (take,) = _run(studio, writer, ["The line goes dead [drop]."])

    assert take.generation_status == GenerationStatus.SUCCEEDED
    assert fake.submissions_per_prompt() == {take.prompt: 1}
    assert take.provider_job_id == fake.submissions()[0].id


def test_veo_dropped_after_sending_needs_a_person_and_says_so(
    studio, writer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake, provider="veo")
    (take,) = _run(studio, writer, ["The line goes dead [drop]."], provider="veo")

    assert take.generation_status == GenerationStatus.NEEDS_ATTENTION
    assert "Check the provider's dashboard, then resubmit or cancel" in take.error
    assert len(fake.submissions()) == 1


def test_veo_makes_videos_and_reports_rai_filtering_as_blocked_with_reasons(
    studio, writer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake, provider="veo")
    ok, filtered = _run(studio, writer, ["A quiet pond.", "Something [rai]."], provider="veo")

    assert ok.generation_status == GenerationStatus.SUCCEEDED
    assert Path(settings.MEDIA_ROOT, ok.video.name).read_bytes() == video_bytes(ok.provider_job_id)
    assert Path(settings.MEDIA_ROOT, ok.thumbnail.name).read_bytes()[:3] == b"\xff\xd8\xff"
    assert filtered.generation_status == GenerationStatus.BLOCKED
    assert "may violate our usage guidelines" in filtered.error
    body = fake.submissions()[0].body
    assert body["parameters"]["aspectRatio"] == "9:16"
    assert body["parameters"]["generateAudio"] is True


def test_a_waiting_take_can_be_cancelled_and_frees_nothing_it_did_not_hold(
    studio, writer, fake, fast_engine, celery_worker
):
    credential = add_credential(studio, fake, concurrency_limit=1)
    fake.latency = 3
    episode = batch_episode(studio, writer, ["First.", "Second."])
    takes = request_takes(scenes=scenes_of(episode), requested_by=writer)

    def running_and_waiting():  # type: ignore[no-untyped-def]
        for take in takes:
            take.refresh_from_db()
        with_job = [t for t in takes if t.provider_job_id]
        return with_job and (with_job[0], next(t for t in takes if t not in with_job))

    running, waiting = wait_for(running_and_waiting, what="one take to get the slot")
    assert waiting.status_note == "Waiting for a free slot"
    assert cancel_take(take=waiting, cancelled_by=writer)
    wait_for(lambda: all_final(takes), what="both takes to end")

    assert running.generation_status == GenerationStatus.SUCCEEDED
    assert waiting.generation_status == GenerationStatus.CANCELLED
    assert waiting.error == f"Cancelled by {writer.username}."
    assert len(fake.submissions()) == 1
    assert slots.in_use(credential.pk) == 0


def test_a_slow_job_that_keeps_progressing_is_stalled_at_the_hard_deadline(
    studio, writer, fake, fast_engine, celery_worker
):
    fast_engine.COMICSTUDIO_TAKE_DEADLINE_SECONDS = 3
    fake.latency = 10
    add_credential(studio, fake)
    (take,) = _run(studio, writer, ["A very long shot."])

    assert take.generation_status == GenerationStatus.STALLED
    assert take.error == "Not finished after 3 s: past the hard deadline for a take."
    assert 0 < take.progress < 100


def test_a_rejected_take_is_remixed_on_the_provider_with_the_reviewers_note(
    client, studio, writer, reviewer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake)
    (take,) = _run(studio, writer, ["Mia waves at the camera."])
    record_review(take=take, author=reviewer, action="reject", reason_code="motion_artifact",
                  note="Slower wave, and keep her hand in frame.")  # fmt: skip
    client.force_login(writer)
    assert (
        "Remix with the review note"
        in client.get(f"/scenes/{take.scene_id}/review/").content.decode()
    )

    client.post(f"/takes/{take.pk}/remix/")

    remix = take.scene.takes.get(number=2)
    wait_for(lambda: all_final([remix]), what="the remix")
    assert remix.generation_status == GenerationStatus.SUCCEEDED
    assert remix.replaces == take and remix.prompt == "Slower wave, and keep her hand in frame."
    assert fake.jobs[remix.provider_job_id].remixed_from == take.provider_job_id
    assert len(fake.submissions()) == 2


def test_veo_shows_elapsed_time_against_its_typical_duration_while_running(
    studio, writer, fake, fast_engine, celery_worker
):
    fake.latency = 6
    add_credential(studio, fake, provider="veo")
    episode = batch_episode(studio, writer, ["A slow sunrise."], provider="veo")
    (take,) = request_takes(scenes=scenes_of(episode), requested_by=writer)

    def running_note():  # type: ignore[no-untyped-def]
        take.refresh_from_db()
        return re.fullmatch(r"[1-9] s of about 90 s", take.status_note) and take.status_note

    wait_for(running_note, what="an elapsed-time note")
    assert take.get_generation_status_display().startswith("Running — ")
    wait_for(lambda: all_final([take]), what="the take")
    assert take.generation_status == GenerationStatus.SUCCEEDED and take.status_note == ""
