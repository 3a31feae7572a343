"""An export survives a SIGKILLed worker: no half-written file is ever visible, and the
restarted worker finishes one valid export."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
import redis

from generation.export.models import Export, ExportStatus
from generation.export.services import start_export
from tests.export_world import MIXED, approve_all
from tests.waiting import wait_for
from tests.worker_process import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class ExportWorker(WorkerProcess):
    def env(self) -> dict[str, str]:
        # A lost export is taken over after 3 quiet seconds (the default is a minute).
        return super().env() | {"COMICSTUDIO_EXPORT_STALE_SECONDS": "3"}


def _state(export: Export) -> Export:
    export.refresh_from_db()
    return export


def test_a_worker_killed_mid_export_and_restarted_gives_one_valid_export(
    settings, episode, producer, writer, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    approve_all(episode, writer, MIXED)
    worker = ExportWorker(log_path=tmp_path / "worker.log")
    worker.start()
    try:
        export = start_export(episode=episode, kind="final", requested_by=producer)
        wait_for(
            lambda: _state(export).progress >= 20, timeout=120, what="the export to be under way"
        )
        worker.kill()
        killed = _state(export)
        assert killed.status == ExportStatus.RUNNING and not killed.video
        folder = Path(settings.MEDIA_ROOT, "exports", str(episode.pk), str(export.number))
        assert not folder.exists()  # it works in a temporary folder; only the end is stored

        worker.start()
        wait_for(lambda: not _state(export).is_active, timeout=240, what="the export to end")
    finally:
        worker.stop()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    assert Export.objects.count() == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "episode-1-v1.mp4", "episode-1-v1.srt", "episode-1-v1.vtt", "episode-1-v1.zip"
    ]  # fmt: skip
    total = sum(s.duration_seconds for s in episode.scenes.all())
    with av.open(str(folder / "episode-1-v1.mp4")) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
    assert frames == total * 25
