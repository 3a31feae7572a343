"""Who may start, watch and download exports; drafts, staleness and refusals on screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import av
import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from generation.export.models import Export, ExportStatus
from generation.export.picture import Picture, watermark_box
from generation.export.services import is_stale, run_export, start_export
from generation.models import ReviewStatus
from tests.export_world import MATCHING, add_take, approve_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def finished(episode, producer, writer) -> Export:  # type: ignore[no-untyped-def]
    approve_all(episode, writer, MATCHING)
    export = start_export(episode=episode, kind="final", requested_by=producer)
    run_export(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    return export


def _start_url(episode) -> str:  # type: ignore[no-untyped-def]
    return reverse("generation:start_export", args=[episode.pk])


def test_a_writer_cannot_start_an_export(client, episode, writer):
    client.force_login(writer)
    response = client.post(_start_url(episode), {"kind": "draft"})
    assert response.status_code == 403
    assert not Export.objects.exists()


def test_an_outsider_finds_no_export_page(client, episode, outsider):
    client.force_login(outsider)
    assert client.get(reverse("generation:episode_exports", args=[episode.pk])).status_code == 404
    assert client.post(_start_url(episode), {"kind": "draft"}).status_code == 404


def test_a_refused_final_export_lists_the_waiting_scenes_on_the_page(client, episode, producer):
    client.force_login(producer)
    response = client.post(_start_url(episode), {"kind": "final"}, follow=True)
    page = response.content.decode()
    assert "Every scene needs an approved take first" in page
    assert "1. INT. KITCHEN - DAY" in page and "6. EXT. ROOFTOP - NIGHT" in page
    assert not Export.objects.exists()


def test_every_member_may_watch_and_download_but_outsiders_may_not(
    client, finished, viewer, outsider
):
    url = reverse("generation:export_file", args=[finished.pk, "video"])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("generation:export_detail", args=[finished.pk])).status_code == 404
    client.force_login(viewer)
    page = client.get(reverse("generation:export_detail", args=[finished.pk])).content.decode()
    assert "<track" in page and "episode-1-v1.srt" in page and "episode-1-v1.vtt" in page
    part = client.get(url, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and len(b"".join(part.streaming_content)) == 100
    whole = client.get(url + "?download=1")
    assert whole["Content-Disposition"] == "attachment; filename*=UTF-8''episode-1-v1.mp4"
    assert whole["X-Content-Type-Options"] == "nosniff"
    assert part["Content-Disposition"] == "inline"
    assert (
        b"".join(whole.streaming_content)
        == Path(settings.MEDIA_ROOT, finished.video.name).read_bytes()
    )
    vtt = client.get(reverse("generation:export_file", args=[finished.pk, "subtitles_vtt"]))
    assert b"".join(vtt.streaming_content).startswith(b"WEBVTT")
    assert (
        client.get(reverse("generation:export_file", args=[finished.pk, "nope"])).status_code == 404
    )


def test_a_later_approval_marks_the_export_stale(client, finished, episode, writer, viewer):
    assert not is_stale(finished)
    scene = episode.scenes.order_by("position")[2]
    approved = scene.takes.get()
    approved.review_status = ReviewStatus.SUPERSEDED
    approved.save()
    add_take(scene, writer, MATCHING[2], number=2)  # take 2 approved instead
    assert is_stale(finished)
    client.force_login(viewer)
    page = client.get(reverse("generation:episode_exports", args=[episode.pk])).content.decode()
    assert "Out of date" in page


def test_a_scene_order_change_marks_the_export_stale(finished, episode):
    first, second = list(episode.scenes.order_by("position"))[:2]
    first.position, second.position = 99, first.position
    second.save()
    first.position = 2
    first.save()
    assert is_stale(finished)


def test_a_draft_works_before_approval_and_is_watermarked(episode, producer, writer):
    scenes = list(episode.scenes.order_by("position"))
    add_take(scenes[0], writer, MATCHING[0])  # approved
    add_take(scenes[1], writer, MATCHING[1], approved=False)  # latest succeeded
    # scenes 3-6 have no take: slates with their heading
    draft = start_export(episode=episode, kind="draft", requested_by=producer)
    run_export(draft.pk)
    draft.refresh_from_db()
    assert draft.status == ExportStatus.SUCCEEDED, draft.error
    assert [s["source"] for s in draft.manifest] == ["approved", "latest"] + ["slate"] * 4
    assert draft.video.name.endswith("-draft.mp4")
    final = Path(settings.MEDIA_ROOT, scenes[0].takes.get().video.name)
    left, top, right, bottom = watermark_box(Picture(720, 1280, 12, watermark="DRAFT"))
    with (
        av.open(str(final)) as take,
        av.open(str(Path(settings.MEDIA_ROOT, draft.video.name))) as out,
    ):
        plain = next(take.decode(video=0)).to_ndarray(format="gray").astype(int)
        marked = next(out.decode(video=0)).to_ndarray(format="gray").astype(int)
    inside = abs(marked[top:bottom, left:right] - plain[top:bottom, left:right])
    outside = abs(marked[bottom + 16 :] - plain[bottom + 16 :])
    assert (inside > 40).mean() > 0.05  # the DRAFT lettering stands out in its band
    assert (outside > 40).mean() < 0.001 and outside.mean() < 2  # the rest is the take


def test_a_cancelled_export_stops_and_leaves_no_files(settings, episode, producer, writer):
    approve_all(episode, writer, MATCHING)
    queued = start_export(episode=episode, kind="final", requested_by=producer)
    assert queued.request_cancel() and queued.status == ExportStatus.CANCELLED
    assert run_export(queued.pk) == "gone"

    running = start_export(episode=episode, kind="final", requested_by=producer)
    settings.COMICSTUDIO_EXPORT_STALE_SECONDS = 0  # run_export may take it over at once
    assert running.claim(stale_after=timedelta(0))
    assert running.request_cancel()
    assert run_export(running.pk) == "done"
    running.refresh_from_db()
    assert running.status == ExportStatus.CANCELLED and not running.video
    folder = Path(settings.MEDIA_ROOT, "exports", str(episode.pk), str(running.number))
    assert not folder.exists()


def test_the_storyboard_badge_says_when_the_latest_export_is_out_of_date(finished, episode):
    badge = Template("{% load export_badge %}{% export_badge episode %}")
    assert "v1</span>" in badge.render(Context({"episode": episode}))
    scene = episode.scenes.order_by("position")[0]
    scene.dialogue = [{"speaker": "MIA", "line": "A new line."}]
    scene.save()
    assert "v1 · out of date" in badge.render(Context({"episode": episode}))


def test_the_storyboard_shows_the_latest_export_and_when_it_is_out_of_date(
    client, finished, episode, writer
):
    from django.urls import reverse

    client.force_login(writer)
    board = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    url = reverse("generation:export_badge", args=[episode.pk])
    assert f'hx-get="{url}" hx-trigger="load"' in board  # the board fetches it once loaded
    assert "v1</span>" in client.get(url).content.decode()
    scene = episode.scenes.order_by("position")[0]
    scene.dialogue = [{"speaker": "MIA", "line": "A new line."}]
    scene.save()
    assert "v1 · out of date" in client.get(url).content.decode()
