"""The stream-copy path: takes read from their MP4 index, and takes of other encoder settings.

Takes are written here with PyAV's libx264 under different settings; the export is opened
with PyAV and decoded frame by frame: a copy is the same pictures, bit for bit.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from generation.export.assemble import assemble
from generation.export.mp4index import NotSimple, read_index
from generation.export.picture import Picture
from generation.export.probe import Clip

WIDTH, HEIGHT, FPS = 180, 320, 12


def _take(path: Path, *, seconds: int, shade: int, options: dict[str, str],
          pix_fmt: str = "yuv420p", size: tuple[int, int] = (WIDTH, HEIGHT)) -> Path:  # fmt: skip
    """A real H.264 take: a moving bar over a flat shade, encoded with these x264 options."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=FPS, options=options)
        stream.width, stream.height = size
        stream.pix_fmt = pix_fmt
        stream.codec_context.time_base = Fraction(1, FPS)
        for index in range(seconds * FPS):
            rgb = np.full((size[1], size[0], 3), shade, dtype=np.uint8)
            rgb[:, (index * 7) % size[0] : (index * 7) % size[0] + 12] = 255 - shade
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format=pix_fmt)
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray") for f in container.decode(video=0)]


def _export(clips: list[Clip], target: Path):  # type: ignore[no-untyped-def]
    return assemble(clips, [[] for _ in clips], target=target,
                    picture=Picture(WIDTH, HEIGHT, 0), on_progress=lambda _s, _t: True)  # fmt: skip


def _clip(index: int, path: Path) -> Clip:
    return Clip(label=f"Scene {index + 1}", heading=f"INT. ROOM {index + 1}", path=path,
                seconds=2)  # fmt: skip


FAST = {"preset": "veryfast", "profile": "high"}
OTHER = {"preset": "slow", "profile": "high", "x264-params": "ref=3:bframes=2:keyint=24"}


def test_the_index_reader_agrees_with_pyav_on_every_packet(tmp_path):
    path = _take(tmp_path / "a.mp4", seconds=2, shade=40, options=OTHER)
    index = read_index(path)
    data = path.read_bytes()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        assert index.avcc == bytes(stream.codec_context.extradata)
        assert (index.width, index.height, index.rate) == (WIDTH, HEIGHT, stream.average_rate)
        assert index.time_base == stream.time_base and index.pix_fmt == "yuv420p"
    assert len(packets) == len(index.samples) == 2 * FPS
    for packet, sample in zip(packets, index.samples, strict=True):
        assert (packet.pts, packet.dts, packet.duration, packet.is_keyframe) == (
            sample.pts, sample.dts, sample.duration, sample.key)  # fmt: skip
        assert bytes(packet) == data[sample.offset : sample.offset + sample.size]


def test_a_file_that_is_not_a_plain_mp4_is_left_to_pyav(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x10ftypisom" + b"\x00" * 64)
    with pytest.raises(NotSimple):
        read_index(junk)


def test_takes_of_two_encoder_settings_are_copied_and_decode_to_the_same_pictures(tmp_path):
    paths = [
        _take(tmp_path / "0.mp4", seconds=2, shade=30, options=OTHER),
        _take(tmp_path / "1.mp4", seconds=2, shade=90, options=FAST),
        _take(tmp_path / "2.mp4", seconds=2, shade=150, options=OTHER),
        _take(tmp_path / "3.mp4", seconds=2, shade=210, options=FAST),
    ]
    assert len({read_index(p).avcc for p in paths}) == 2  # two different SPS/PPS
    target = tmp_path / "episode.mp4"

    result = _export([_clip(i, p) for i, p in enumerate(paths)], target)

    assert result.method == "copy"
    expected = [frame for path in paths for frame in _frames(path)]
    got = _frames(target)
    assert len(got) == len(expected) == 4 * 2 * FPS
    for index, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        assert np.array_equal(mine, theirs), f"frame {index} differs"
    assert [round(s, 3) for s, _e in result.places] == [0, 2, 4, 6]


def test_only_the_takes_that_differ_are_re_encoded_into_the_copied_track(tmp_path):
    base = _take(tmp_path / "0.mp4", seconds=2, shade=30, options=FAST)
    odd_format = _take(tmp_path / "1.mp4", seconds=2, shade=90, options={"preset": "veryfast"},
                       pix_fmt="yuv444p")  # fmt: skip
    baseline = _take(tmp_path / "2.mp4", seconds=2, shade=150,
                     options={"preset": "veryfast", "profile": "baseline"})  # fmt: skip
    landscape = _take(tmp_path / "3.mp4", seconds=2, shade=210, options=FAST, size=(320, 180))
    last = _take(tmp_path / "4.mp4", seconds=2, shade=60, options=OTHER)
    paths = [base, odd_format, baseline, landscape, last]
    target = tmp_path / "out.mp4"

    result = _export([_clip(i, p) for i, p in enumerate(paths)], target)

    assert result.method == "copy"
    assert result.reencoded == ["Scene 2", "Scene 3", "Scene 4"]
    assert result.boxed == ["Scene 4"]  # landscape in a portrait frame: pillar-boxed
    got = _frames(target)
    assert len(got) == 5 * 2 * FPS
    per_take = [got[i * 2 * FPS : (i + 1) * 2 * FPS] for i in range(5)]
    for index in (0, 4):  # copied: the very same pictures
        assert all(np.array_equal(a, b) for a, b in zip(per_take[index], _frames(paths[index]),
                                                        strict=True))  # fmt: skip
    for index in (1, 2):  # re-encoded at the same size: the same pictures, give or take coding
        for a, b in zip(per_take[index], _frames(paths[index]), strict=True):
            assert np.abs(a.astype(int) - b.astype(int)).mean() < 3
    boxed = per_take[3][0]
    assert boxed.shape == (HEIGHT, WIDTH) and boxed[:40].max() < 20  # black bars above
    with av.open(str(target)) as container:
        assert container.streams.video[0].average_rate == FPS


def test_a_take_of_a_higher_frame_rate_makes_the_whole_episode_re_encoded(tmp_path):
    base = _take(tmp_path / "0.mp4", seconds=2, shade=30, options=FAST)
    faster = tmp_path / "1.mp4"
    with av.open(str(faster), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=24, options=FAST)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for index in range(48):
            frame = av.VideoFrame.from_ndarray(
                np.full((HEIGHT, WIDTH, 3), 90, dtype=np.uint8), format="rgb24"
            ).reformat(format="yuv420p")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))

    result = _export([_clip(0, base), _clip(1, faster)], tmp_path / "out.mp4")

    assert result.method == "reencode" and result.rate == 24  # no take loses frames
    assert len(_frames(tmp_path / "out.mp4")) == 2 * 2 * 24


@pytest.mark.django_db
def test_an_export_copies_matching_takes_and_says_which_one_it_re_encoded(
    client, episode, producer, writer, settings, tmp_path
):
    from django.urls import reverse

    from generation.export.services import run_export, start_export
    from tests.export_world import approve_all

    settings.MEDIA_ROOT = tmp_path / "media"
    approve_all(episode, writer, [(720, 1280, 12)] * 5 + [(1280, 720, 12)])
    export = start_export(episode=episode, kind="final", requested_by=producer)
    assert run_export(export.pk) == "done"
    export.refresh_from_db()

    assert export.report["method"] == "copy", export.error
    (label,) = export.report["reencoded"]
    assert label.startswith("Scene 6") and export.report["boxed"] == [label]
    with av.open(str(Path(settings.MEDIA_ROOT, export.video.name))) as container:
        video = container.streams.video[0]
        assert (video.width, video.height, video.average_rate) == (720, 1280, 12)
        frames = sum(1 for _ in container.decode(video))
    assert frames == sum(s.duration_seconds for s in episode.scenes.all()) * 12
    client.force_login(writer)
    page = client.get(reverse("generation:export_detail", args=[export.pk])).content.decode()
    assert "copied from the takes unchanged except 1 re-encoded to match" in page
