"""Batches survive a SIGKILLed worker and a restarted Redis: every take ends right, paid once."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from django.conf import settings

from comicstudio.embedded_redis import EmbeddedRedis, free_port
from generation.models import GenerationStatus, Take
from tests.factories import request_takes
from tests.fake_provider import video_bytes
from tests.providers import add_credential, all_final, batch_episode, scenes_of
from tests.waiting import wait_for
from tests.worker_process import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _count(takes: list[Take], *statuses: str) -> int:
    for take in takes:
        take.refresh_from_db()
    return sum(1 for t in takes if t.generation_status in statuses)


def _assert_batch_done_right(takes: list[Take], fake) -> None:  # type: ignore[no-untyped-def]
    assert [t.generation_status for t in takes] == [GenerationStatus.SUCCEEDED] * len(takes)
    assert fake.submissions_per_prompt() == {t.prompt: 1 for t in takes}
    for take in takes:
        stored = Path(settings.MEDIA_ROOT, take.video.name).read_bytes()
        assert stored == video_bytes(take.provider_job_id)
    assert fake.max_in_flight() <= 4


def test_a_worker_killed_mid_batch_and_restarted_finishes_every_take_paying_once(
    studio, writer, fake, tmp_path
):
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    fake.latency = 2
    add_credential(studio, fake, concurrency_limit=4)
    episode = batch_episode(studio, writer, [f"Shot {i}: a paper boat." for i in range(12)])
    worker = WorkerProcess(log_path=tmp_path / "worker.log")
    worker.start()
    try:
        takes = request_takes(scenes=scenes_of(episode), requested_by=writer)
        wait_for(lambda: _count(takes, GenerationStatus.SUCCEEDED) >= 2, timeout=90,
                 what="the batch to be under way")  # fmt: skip
        worker.kill()
        assert _count(takes, GenerationStatus.SUCCEEDED) < len(takes)

        worker.start()
        wait_for(lambda: all_final(takes), timeout=180, what="every take to end")
    finally:
        worker.stop()
    _assert_batch_done_right(takes, fake)


def test_a_batch_completes_after_its_redis_is_restarted(studio, writer, fake, tmp_path):
    own_redis = EmbeddedRedis(workdir=tmp_path / "redis", port=free_port())
    url = own_redis.start()
    fake.latency = 2
    add_credential(studio, fake, concurrency_limit=4)
    episode = batch_episode(studio, writer, [f"Shot {i}: a lantern." for i in range(10)])
    worker = WorkerProcess(log_path=tmp_path / "worker.log", redis_url=url)
    worker.start()
    try:
        # Enqueued to this test's usual broker, which no worker reads here: the worker's
        # sweep finds the queued takes, as it does after Redis lost its data.
        takes = request_takes(scenes=scenes_of(episode), requested_by=writer)
        wait_for(lambda: _count(takes, GenerationStatus.SUCCEEDED) >= 2, timeout=90,
                 what="the batch to be under way")  # fmt: skip
        own_redis.stop()
        own_redis.start()  # same port, empty: every queued message and slot is gone
        wait_for(
            lambda: worker.supervise() or all_final(takes), timeout=180, what="every take to end"
        )
    finally:
        worker.stop()
        own_redis.stop()
    _assert_batch_done_right(takes, fake)
