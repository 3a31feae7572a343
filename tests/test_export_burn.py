"""Subtitles burned into the picture: only inside the title-safe subtitle area, only while a
line is spoken; the option is offered on the export page."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pysubs2
import pytest
from django.conf import settings
from django.urls import reverse

from generation.export.captions import caption_box, font_path
from generation.export.models import Export, ExportStatus
from generation.export.services import run_export, start_export
from tests.export_world import MIXED, approve_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _export_now(episode, user, *, burn: bool) -> Export:  # type: ignore[no-untyped-def]
    export = start_export(episode=episode, kind="final", requested_by=user, burn_subtitles=burn)
    assert run_export(export.pk) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    return export


def _luma_at(export: Export, seconds: float) -> np.ndarray:
    with av.open(str(Path(settings.MEDIA_ROOT, export.video.name))) as container:
        stream = container.streams.video[0]
        frame = next(f for f in container.decode(stream) if f.time >= seconds)
        return frame.to_ndarray(format="gray").astype(np.int16)


def test_the_shipped_font_is_found():
    path = font_path()
    assert path is not None and path.name.startswith("DejaVuSans")


def test_burned_subtitles_change_only_the_subtitle_area_while_a_line_is_on(
    episode, producer, writer
):
    approve_all(episode, writer, MIXED)  # mixed takes: both exports are re-encoded
    plain = _export_now(episode, producer, burn=False)
    burned = _export_now(episode, producer, burn=True)
    assert burned.options["burn_subtitles"] and burned.report["method"] == "reencode"

    left, top, right, bottom = caption_box(720, 1280)
    assert bottom <= 1280 * 0.85  # the bottom 15 % stays clear
    inside = np.zeros((1280, 720), dtype=bool)
    inside[top:bottom, left:right] = True

    cue = pysubs2.load(str(Path(settings.MEDIA_ROOT, burned.subtitles_srt.name)))[0]
    during = (cue.start + cue.end) / 2000
    diff = np.abs(_luma_at(burned, during) - _luma_at(plain, during))
    assert (diff[inside] > 60).sum() > 1000  # the letters and their outline
    assert np.percentile(diff[~inside], 99.9) <= 6  # elsewhere only coding noise
    assert diff[~inside].mean() < 0.5

    # Between lines (a scene without dialogue) the two pictures are the same everywhere.
    scenes = list(episode.scenes.order_by("position"))
    quiet = next(i for i, s in enumerate(scenes) if not s.dialogue)
    start, end = burned.report["scenes"][quiet]
    diff = np.abs(_luma_at(burned, (start + end) / 2) - _luma_at(plain, (start + end) / 2))
    assert np.percentile(diff, 99.9) <= 6 and (diff > 60).sum() == 0


def test_the_export_page_offers_burned_subtitles(client, episode, producer, writer):
    approve_all(episode, writer, MIXED)
    client.force_login(producer)
    page = client.get(reverse("generation:episode_exports", args=[episode.pk]))
    assert b'name="burn_subtitles"' in page.content
    client.post(
        reverse("generation:start_export", args=[episode.pk]),
        {"kind": "draft", "burn_subtitles": "on"},
    )
    assert Export.objects.get().options["burn_subtitles"] is True
