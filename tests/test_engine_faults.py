"""The engine against a misbehaving provider: refused connections, 500s, 429s, stalls.

Real SDKs against the fake provider over HTTP, a real Celery worker, real Redis.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from celery.signals import task_prerun
from django.conf import settings
from PIL import Image

from generation.models import GenerationStatus, Take
from generation.money.budget import project_budget
from generation.services import cancel_take
from generation.takes import slots
from generation.takes.tasks import sweep_takes
from tests.factories import request_takes
from tests.fake_provider import video_bytes
from tests.providers import (
    add_credential,
    add_refusing_credential,
    all_final,
    batch_episode,
    scenes_of,
)
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PRICE_PER_SECOND = Decimal("0.10")  # sora-2 at 720p in the seeded price table


def _start(studio, writer, actions):  # type: ignore[no-untyped-def]
    episode = batch_episode(studio, writer, actions)
    return episode, request_takes(scenes=scenes_of(episode), requested_by=writer)


def _sweeping(takes: list[Take]) -> bool:
    """Wait for every take to end while the sweep runs again and again (it must not
    add a task chain, nor send a take before its backoff is over)."""
    sweep_takes()
    return all_final(takes)


def _creates(fake, prompt: str) -> list[float]:  # type: ignore[no-untyped-def]
    with fake.lock:
        return [
            r.at
            for r in fake.requests
            if r.method == "POST" and r.path == "/v1/videos" and r.body.get("prompt") == prompt
        ]


def test_a_refused_connection_backs_off_is_counted_and_fails_with_a_message(
    studio, writer, fast_engine, celery_worker
):
    fast_engine.COMICSTUDIO_MAX_RETRIES = 3
    fast_engine.COMICSTUDIO_SWEEP_SECONDS = 0.5
    credential = add_refusing_credential(studio)
    tasks_run: list[str] = []

    def count(sender=None, args=None, **kwargs):  # type: ignore[no-untyped-def]
        tasks_run.append(sender.name)

    task_prerun.connect(count, weak=False)
    try:
        _, (take,) = _start(studio, writer, ["Nobody home."])
        wait_for(lambda: _sweeping([take]), timeout=60, what="the take to give up")
        ran = len(tasks_run)
        time.sleep(2)  # a moment for a stray chain to show itself
    finally:
        task_prerun.disconnect(count)

    assert take.generation_status == GenerationStatus.FAILED
    assert take.error == (
        "The provider stayed unavailable after 3 retries: The provider could not be reached "
        "(connection refused or timed out)."
    )
    assert take.retries == 3 and take.cost == 0
    # One chain: one attempt per retry (a second chain would have tried more often).
    assert slots.retry_counts(credential.pk) == {"connection": 4}
    assert len(tasks_run) == ran < 40  # nothing runs once it ended; the count is bounded
    assert slots.in_use(credential.pk) == 0


def test_retry_after_is_honoured_by_the_sweep_and_every_other_path(
    studio, writer, fake, fast_engine, celery_worker
):
    fast_engine.COMICSTUDIO_SWEEP_SECONDS = 0.2
    add_credential(studio, fake, concurrency_limit=2)
    fake.fail_next_creates(4, status=429, retry_after=2)

    _, takes = _start(studio, writer, ["Rain.", "Snow.", "Hail."])
    wait_for(lambda: _sweeping(takes), timeout=90, what="every take to end")

    assert {t.generation_status for t in takes} == {GenerationStatus.SUCCEEDED}
    for take in takes:
        times = _creates(fake, take.prompt)
        assert all(b - a >= 1.95 for a, b in zip(times, times[1:], strict=False)), times
    assert sum(len(_creates(fake, t.prompt)) for t in takes) == 7
    assert set(fake.submissions_per_prompt().values()) == {1}


def test_a_batch_of_twenty_at_limit_four_against_a_provider_allowing_two_all_succeed(
    studio, writer, fake, fast_engine, celery_worker, list_prices
):
    fast_engine.COMICSTUDIO_MAX_RETRIES = 2
    credential = add_credential(studio, fake, concurrency_limit=4)
    fake.max_jobs, fake.busy_retry_after = 2, 0.5

    _, takes = _start(studio, writer, [f"Shot {i}: the kettle sings." for i in range(20)])
    wait_for(lambda: all_final(takes), timeout=150, what="every take to end")

    assert [t.generation_status for t in takes] == [GenerationStatus.SUCCEEDED] * 20
    assert {t.retries for t in takes} == {0}  # a 429 slows the pace, it spends no retry
    assert slots.retry_counts(credential.pk)["rate_limit"] >= 1
    assert fake.max_in_flight() <= 2
    assert set(fake.submissions_per_prompt().values()) == {1}
    # The pace halved on the 429s and grew back with each accepted submit.
    assert 2 <= slots.pace(credential.pk, limit=4) <= 4


def test_poll_and_download_errors_never_lose_a_finished_paid_video(
    studio, writer, fake, fast_engine, celery_worker, list_prices
):
    fast_engine.COMICSTUDIO_MAX_RETRIES = 1  # submit retries: polls and downloads spend none
    add_credential(studio, fake, concurrency_limit=4)
    fake.poll_error_rate, fake.download_error_rate = 0.3, 1.0
    episode, takes = _start(studio, writer, [f"Shot {i}: a paper boat." for i in range(8)])

    def paid_not_copied() -> list[Take]:
        done = list(Take.objects.filter(job_ended_at__isnull=False, video=""))
        return done if len(done) == 8 else []

    waiting = wait_for(paid_not_copied, timeout=90, what="finished jobs that cannot be copied")
    price = waiting[0].duration_seconds * PRICE_PER_SECOND
    assert {(t.cost, t.cost_estimated) for t in waiting} == {(price, False)}  # paid when done
    assert {t.generation_status for t in waiting} == {GenerationStatus.RUNNING}
    budget = project_budget(episode.project)
    assert (budget.spent, budget.committed) == (8 * price, 0)  # counted once, not also as due
    fake.download_error_rate = 0.5
    wait_for(lambda: all_final(takes), timeout=150, what="every take to end")

    assert [t.generation_status for t in takes] == [GenerationStatus.SUCCEEDED] * 8
    assert set(fake.submissions_per_prompt().values()) == {1}
    for take in takes:
        assert take.cost == price and not take.cost_estimated
        stored = Path(settings.MEDIA_ROOT, take.video.name).read_bytes()
        assert stored == video_bytes(take.provider_job_id)
        thumbnail = Path(settings.MEDIA_ROOT, take.thumbnail.name).read_bytes()
        assert thumbnail[:3] == b"\xff\xd8\xff"  # the provider's, or made from the video
    assert project_budget(episode.project).spent == 8 * price


def test_a_provider_not_answering_polls_is_shown_on_the_card_and_waited_for(
    client, studio, writer, fake, fast_engine, celery_worker, list_prices
):
    fast_engine.COMICSTUDIO_MAX_RETRIES = 1
    add_credential(studio, fake)
    fake.poll_error_rate = 1.0
    episode, (take,) = _start(studio, writer, ["The phone rings."])

    def silent_a_while() -> bool:
        take.refresh_from_db()
        return take.unanswered >= 4

    wait_for(silent_a_while, timeout=60, what="several unanswered polls")
    client.force_login(writer)
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    since = f"{take.unreachable_since:%H:%M:%S}"
    assert f"Provider not answering since {since} UTC (The provider had an error (500)" in page
    assert take.generation_status in (GenerationStatus.SUBMITTED, GenerationStatus.RUNNING)
    fake.poll_error_rate = 0.0
    wait_for(lambda: all_final([take]), timeout=60, what="the take")

    assert take.generation_status == GenerationStatus.SUCCEEDED
    assert take.cost == take.duration_seconds * PRICE_PER_SECOND
    assert len(fake.submissions()) == 1


def test_a_missing_thumbnail_is_made_from_the_video(
    studio, writer, fake, fast_engine, celery_worker
):
    add_credential(studio, fake)
    fake.thumbnails = False
    _, (take,) = _start(studio, writer, ["A still lake."])
    wait_for(lambda: all_final([take]), timeout=60, what="the take")

    assert take.generation_status == GenerationStatus.SUCCEEDED
    with Image.open(Path(settings.MEDIA_ROOT, take.thumbnail.name)) as thumbnail:
        assert thumbnail.format == "JPEG" and thumbnail.size[0] > 0


def test_a_stalled_take_holds_its_slot_and_its_video_is_kept_when_its_job_ends_after_all(
    studio, writer, fake, fast_engine, celery_worker, list_prices
):
    credential = add_credential(studio, fake, concurrency_limit=1, stall_seconds=1)
    fake.long_latency = 5
    stalled, second = _one_after_the_other(studio, writer)

    wait_for(
        lambda: _refreshed(stalled).generation_status == GenerationStatus.STALLED,
        what="the first take to be marked stalled",
    )
    assert "the provider seems stuck" in stalled.error
    wait_for(
        lambda: (
            all_final([second])
            and _refreshed(stalled).generation_status == GenerationStatus.SUCCEEDED
        ),
        timeout=60,
        what="the second take to end and the stalled one's late video to be copied",
    )

    # The stalled job made its (paid) video after all: it is in our storage, not lost.
    assert stalled.generation_status == GenerationStatus.SUCCEEDED
    assert Path(settings.MEDIA_ROOT, stalled.video.name).read_bytes() == video_bytes(
        stalled.provider_job_id
    )
    assert stalled.error == ""
    assert stalled.cost == stalled.duration_seconds * PRICE_PER_SECOND
    assert second.generation_status == GenerationStatus.SUCCEEDED
    first_job, second_job = fake.submissions()
    assert second_job.created >= first_job.created + 5  # the slot waited for the job's end
    assert fake.max_in_flight() == 1
    assert slots.in_use(credential.pk) == 0


def test_a_cancelled_take_whose_job_runs_keeps_its_slot_and_records_the_estimate(
    studio, writer, fake, fast_engine, celery_worker, list_prices
):
    credential = add_credential(studio, fake, concurrency_limit=1)
    fake.long_latency = 4
    cancelled, second = _one_after_the_other(studio, writer)

    assert cancel_take(take=cancelled, cancelled_by=writer)
    cancelled.refresh_from_db()
    assert cancelled.cost == cancelled.duration_seconds * PRICE_PER_SECOND
    assert cancelled.cost_estimated
    assert slots.in_use(credential.pk) == 1
    wait_for(lambda: all_final([second]), timeout=60, what="the second take")

    assert second.generation_status == GenerationStatus.SUCCEEDED
    first_job, second_job = fake.submissions()
    assert second_job.created >= first_job.created + 4
    assert fake.max_in_flight() == 1


def _one_after_the_other(studio, writer) -> tuple[Take, Take]:  # type: ignore[no-untyped-def]
    """A long take that has its job, then a second take (which must wait for its slot)."""
    episode = batch_episode(studio, writer, ["A long shot [long].", "Then this."])
    first_scene, second_scene = scenes_of(episode)
    (first,) = request_takes(scenes=[first_scene], requested_by=writer)
    wait_for(lambda: _refreshed(first).provider_job_id, what="the first job")
    (second,) = request_takes(scenes=[second_scene], requested_by=writer)
    return first, second


def _refreshed(take: Take) -> Take:
    take.refresh_from_db()
    return take
