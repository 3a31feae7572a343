"""The finished episode: one MP4 with sound, soft subtitles and chapters, plus .srt/.vtt."""

from __future__ import annotations

import zipfile
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pysubs2
import pytest
from django.conf import settings

from generation.export.models import Export, ExportStatus
from generation.export.services import ExportRefused, run_export, start_export
from tests.export_world import MATCHING, MIXED, add_take, approve_all, take_file_with_sound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Ids repeat between tests: each test gets its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _export_now(episode, user, kind="final") -> Export:  # type: ignore[no-untyped-def]
    """Start an export and run its task body here (the worker path is tested elsewhere)."""
    export = start_export(episode=episode, kind=kind, requested_by=user)
    assert run_export(export.pk) == "done"
    export.refresh_from_db()
    return export


def _path(field) -> Path:  # type: ignore[no-untyped-def]
    return Path(settings.MEDIA_ROOT, field.name)


def _scene_seconds(episode) -> list[int]:  # type: ignore[no-untyped-def]
    return [s.duration_seconds for s in episode.scenes.order_by("position")]


def test_a_six_scene_episode_of_mixed_takes_becomes_one_mp4(episode, producer, writer):
    approve_all(episode, writer, MIXED)
    export = _export_now(episode, producer)

    assert export.status == ExportStatus.SUCCEEDED, export.error
    assert export.report["method"] == "reencode"
    total = sum(_scene_seconds(episode))
    with av.open(str(_path(export.video))) as container:
        kinds = [s.type for s in container.streams]
        assert (kinds.count("video"), kinds.count("audio"), kinds.count("subtitle")) == (1, 1, 1)
        video = container.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 720, 1280)
        assert video.average_rate == 25  # the highest rate among the takes
        assert abs(float(video.duration * video.time_base) - total) <= 1 / 25
        audio = container.streams.audio[0]
        assert (audio.codec_context.name, audio.codec_context.channels) == ("aac", 2)
        assert abs(float(audio.duration * audio.time_base) - total) <= 1 / 25
        assert container.streams.subtitles[0].codec_context.name == "mov_text"
        chapters = container.chapters()
    headings = [s.heading for s in episode.scenes.order_by("position")]
    assert [c["metadata"]["title"] for c in chapters] == headings
    starts = [float(c["start"] * c["time_base"]) for c in chapters]
    expected, clock = [], 0
    for seconds in _scene_seconds(episode):
        expected.append(clock)
        clock += seconds
    assert starts == pytest.approx(expected, abs=1 / 25)
    # The landscape take is pillar-boxed, not stretched, and the report says so.
    assert export.report["boxed"] == [f"Scene 3 ({headings[2]})"]
    _assert_pillar_boxed(export)
    _assert_subtitles_in_place(export, episode)


def _assert_pillar_boxed(export: Export) -> None:
    """1280x720 fitted into 720x1280: a 720x405 picture in the middle, black above and below."""
    third_scene_start = export.report["scenes"][2][0]
    with av.open(str(_path(export.video))) as container:
        stream = container.streams.video[0]
        frame = next(f for f in container.decode(stream) if f.time >= third_scene_start + 1)
        luma = frame.to_ndarray(format="gray")
    bars = luma[np.r_[0:430, 850:1280]]
    assert bars.max() <= 17 and bars.std() < 0.5
    assert luma[450:830].std() > 5  # the take's picture: text and shapes


def _assert_subtitles_in_place(export: Export, episode) -> None:  # type: ignore[no-untyped-def]
    places = export.report["scenes"]
    expected = []  # (scene index, line) in script order
    for index, scene in enumerate(episode.scenes.order_by("position")):
        expected += [(index, d["line"]) for d in scene.dialogue]
    assert len(expected) == 3
    for field in (export.subtitles_srt, export.subtitles_vtt):
        cues = pysubs2.load(str(_path(field)))
        assert [c.plaintext for c in cues] == [line for _, line in expected]
        for cue, (index, _) in zip(cues, expected, strict=True):
            start, end = places[index]
            assert start * 1000 < cue.start < cue.end < end * 1000
    with av.open(str(_path(export.video))) as container:
        samples = [bytes(p)[2:].decode() for p in container.demux(container.streams.subtitles[0])]
    # The muxer fills the gaps between cues with empty samples.
    assert [text for text in samples if text] == [line for _, line in expected]


def test_matching_takes_are_stream_copied(episode, producer, writer):
    approve_all(episode, writer, MATCHING)
    export = _export_now(episode, producer)
    assert export.report["method"] == "copy"
    total = sum(_scene_seconds(episode))
    with av.open(str(_path(export.video))) as container:
        video = container.streams.video[0]
        assert video.disposition & av.stream.Disposition.default  # the track is enabled
        frames = sum(1 for _ in container.decode(video))
        assert frames == total * 12
        audio = container.streams.audio[0]
        assert abs(float(audio.duration * audio.time_base) - total) <= 1 / 12
    head = _path(export.video).read_bytes()[:64]
    assert b"moov" in head  # +faststart: the index comes first, playback starts at once


def test_a_final_export_is_refused_until_every_scene_is_approved(episode, producer, writer):
    scenes = list(episode.scenes.order_by("position"))
    for scene, shape in zip(scenes[:4], MIXED, strict=False):
        add_take(scene, writer, shape)
    add_take(scenes[4], writer, MIXED[4], approved=False)
    with pytest.raises(ExportRefused) as refusal:
        start_export(episode=episode, kind="final", requested_by=producer)
    assert f"5. {scenes[4].heading}" in str(refusal.value)
    assert f"6. {scenes[5].heading}" in str(refusal.value)
    assert f"1. {scenes[0].heading}" not in str(refusal.value)
    assert not Export.objects.exists()


def test_omitted_scenes_are_left_out(episode, producer, writer):
    scenes = list(episode.scenes.order_by("position"))
    scenes[5].omitted = True
    scenes[5].save()
    for scene, shape in zip(scenes[:5], MATCHING, strict=False):
        add_take(scene, writer, shape)
    export = _export_now(episode, producer)
    assert len(export.report["scenes"]) == 5


def test_a_missing_take_file_names_its_scene(episode, producer, writer):
    takes = approve_all(episode, writer, MATCHING)
    Path(settings.MEDIA_ROOT, takes[3].video.name).unlink()
    export = _export_now(episode, producer)
    assert export.status == ExportStatus.FAILED
    assert "Scene 4" in export.error and "missing" in export.error
    folder = Path(settings.MEDIA_ROOT, "exports", str(episode.pk), str(export.number))
    assert not folder.exists()  # made in a temporary folder: nothing half-written is stored


def test_an_unreadable_take_file_names_its_scene(episode, producer, writer):
    takes = approve_all(episode, writer, MATCHING)
    Path(settings.MEDIA_ROOT, takes[1].video.name).write_bytes(b"not a video at all")
    export = _export_now(episode, producer)
    assert export.status == ExportStatus.FAILED
    assert "Scene 2" in export.error and "cannot be read" in export.error


def test_the_editor_handoff_has_clips_subtitles_and_a_timeline(episode, producer, writer):
    approve_all(episode, writer, MATCHING)
    export = _export_now(episode, producer)
    scenes = list(episode.scenes.order_by("position"))
    with zipfile.ZipFile(_path(export.handoff)) as archive:
        names = archive.namelist()
        cut = otio.adapters.read_from_string(archive.read("timeline.otio").decode(), "otio_json")
        edl = otio.adapters.read_from_string(archive.read("timeline.edl").decode(), "cmx_3600")
        assert "episode-1-v1.srt" in names and "episode-1-v1.vtt" in names
        clips = list(cut.find_clips())
        assert len(clips) == 6 and len(list(edl.find_clips())) == 6
        for clip, scene in zip(clips, scenes, strict=True):
            assert clip.name == f"Scene {scene.position:02d} - {scene.heading} - take 1"
            assert clip.duration().to_seconds() == pytest.approx(scene.duration_seconds)
            # Each clip's media is in the zip, and is the approved take's file.
            stored = archive.read(clip.media_reference.target_url)
            assert stored == _path(scene.takes.get().video).read_bytes()


def test_a_takes_sound_is_kept_and_a_silent_take_gets_silence_of_its_length(
    episode, producer, writer
):
    takes = approve_all(episode, writer, MATCHING)
    scenes = list(episode.scenes.order_by("position"))
    take_file_with_sound(_path(takes[1].video), seconds=scenes[1].duration_seconds)
    export = _export_now(episode, producer)
    assert export.report["method"] == "reencode"  # one take differs: 24 fps, with sound
    places = export.report["scenes"]
    with av.open(str(_path(export.video))) as container:
        audio = container.streams.audio[0]
        assert audio.codec_context.channels == 2
        loud: dict[int, list[float]] = {0: [], 1: [], 2: []}
        for frame in container.decode(audio):
            for index in loud:
                start, end = places[index]
                if start + 0.1 < frame.time < end - 0.1:
                    loud[index].append(float(np.abs(frame.to_ndarray()).max()))
        sound_seconds = float(audio.duration * audio.time_base)
    assert max(loud[0]) == 0 and max(loud[2]) == 0  # silent takes: silence
    # The tone, all through its scene (at the level −14 LUFS gives it: the export is
    # loudness-normalised, generation/sound/loudness.py).
    assert min(loud[1]) > 0.15
    assert abs(sound_seconds - places[-1][1]) <= 1 / 24


def test_an_episode_without_scenes_cannot_be_exported(episode, producer):
    episode.scenes.all().delete()
    with pytest.raises(ExportRefused, match="no scenes to export"):
        start_export(episode=episode, kind="draft", requested_by=producer)
