"""Title and end cards: their length is in the MP4, its chapters and the subtitle timing."""

from __future__ import annotations

from pathlib import Path

import av
import pysubs2
import pytest
from django.conf import settings
from django.urls import reverse

from generation.export.models import Export, ExportStatus
from generation.export.services import run_export, start_export
from tests.export_world import MATCHING, approve_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _run(export: Export) -> Export:
    assert run_export(export.pk) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    return export


def test_cards_lengthen_the_episode_and_shift_chapters_and_subtitles(episode, producer, writer):
    approve_all(episode, writer, MATCHING)
    plain = _run(start_export(episode=episode, kind="final", requested_by=producer))
    carded = _run(
        start_export(
            episode=episode,
            kind="final",
            requested_by=producer,
            title_card_seconds=3,
            end_card_seconds=2,
        )  # fmt: skip
    )
    scenes = list(episode.scenes.order_by("position"))
    total = sum(s.duration_seconds for s in scenes)
    with av.open(str(Path(settings.MEDIA_ROOT, carded.video.name))) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert abs(float(video.duration * video.time_base) - (total + 5)) <= 1 / 12
        assert abs(float(audio.duration * audio.time_base) - (total + 5)) <= 1 / 12
        chapters = container.chapters()
    titles = [c["metadata"]["title"] for c in chapters]
    assert titles == ["Title", *[s.heading for s in scenes], "Credits"]
    starts = [float(c["start"] * c["time_base"]) for c in chapters]
    assert starts[0] == 0 and starts[1] == pytest.approx(3, abs=1 / 12)
    assert starts[-1] == pytest.approx(3 + total, abs=1 / 12)

    plain_cues = pysubs2.load(str(Path(settings.MEDIA_ROOT, plain.subtitles_srt.name)))
    carded_cues = pysubs2.load(str(Path(settings.MEDIA_ROOT, carded.subtitles_vtt.name)))
    assert [c.plaintext for c in carded_cues] == [c.plaintext for c in plain_cues]
    for before, after in zip(plain_cues, carded_cues, strict=True):
        assert after.start - before.start == pytest.approx(3000, abs=1000 / 12)

    # The cards say what the export page says they say.
    assert carded.options["title_card"]["lines"] == ["Soup Stories", "Episode 1", "Soup"]
    credits = carded.options["end_card"]["lines"]
    assert credits[:2] == ["Made by", episode.project.studio.name]
    assert writer.username in credits  # wrote the script and asked for the takes


def test_the_export_page_offers_cards_and_refuses_odd_lengths(client, episode, producer, writer):
    approve_all(episode, writer, MATCHING)
    client.force_login(producer)
    url = reverse("generation:start_export", args=[episode.pk])
    page = client.post(url, {"kind": "final", "title_card": "7"}, follow=True)
    assert "2, 3 or 5 seconds" in page.content.decode()
    assert not Export.objects.exists()
    client.post(url, {"kind": "final", "title_card": "2", "end_card": "0"})
    export = Export.objects.get()
    assert export.options["title_card"]["seconds"] == 2 and "end_card" not in export.options
