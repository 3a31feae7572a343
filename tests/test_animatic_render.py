"""Tests for the pure (Django-free) animatic renderer."""

from __future__ import annotations

import pathlib

import av
import pytest
from PIL import Image

from generation.animatic_render import AnimaticSpec, render_animatic


def _spec(**overrides) -> AnimaticSpec:
    values = dict(
        heading="INT. KITCHEN - DAY",
        action="Mara slams the fridge shut. Steam rises from a forgotten kettle.",
        dialogue=(("MARA", "You said you'd be back by noon."), ("JONAS", "I said I'd try.")),
        duration_seconds=4,
        width=720,
        height=1280,
        cast=("Mara", "Jonas"),
    )
    values.update(overrides)
    return AnimaticSpec(**values)


def _render(
    tmp_path: pathlib.Path, spec: AnimaticSpec, **kwargs
) -> tuple[pathlib.Path, pathlib.Path]:
    video, thumb = tmp_path / "out" / "clip.mp4", tmp_path / "out" / "clip.jpg"
    render_animatic(spec, video_path=video, thumbnail_path=thumb, **kwargs)
    return video, thumb


def test_portrait_clip_is_real_h264_video(tmp_path: pathlib.Path) -> None:
    video, _ = _render(tmp_path, _spec())
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (720, 1280)
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.average_rate == 12
        assert abs(container.duration / av.time_base - 4.0) <= 0.1
        frames = [frame.to_image().tobytes() for frame in container.decode(video=0)]
    assert len(frames) == 48
    assert frames[0] != frames[-1]


def test_landscape_clip_with_three_dialogue_lines(tmp_path: pathlib.Path) -> None:
    dialogue = (("A", "One."), ("B", "Two, a bit longer."), ("A", "Three!"))
    spec = _spec(width=1280, height=720, duration_seconds=8, dialogue=dialogue)
    video, _ = _render(tmp_path, spec)
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (1280, 720)
        assert abs(container.duration / av.time_base - 8.0) <= 0.1
        assert sum(1 for _ in container.decode(video=0)) == 96


def test_thumbnail_is_portrait_jpeg(tmp_path: pathlib.Path) -> None:
    _, thumb = _render(tmp_path, _spec(duration_seconds=1))
    with Image.open(thumb) as image:
        assert image.format == "JPEG"
        assert image.width == 360
        assert image.height == 640


def test_progress_is_increasing_and_ends_at_100(tmp_path: pathlib.Path) -> None:
    seen: list[int] = []
    _render(tmp_path, _spec(duration_seconds=2), on_progress=seen.append)
    assert len(seen) >= 5
    assert seen == sorted(set(seen))
    assert seen[0] == 0 and seen[-1] == 100


@pytest.mark.parametrize("size", [(721, 1280), (720, 1279)])
def test_odd_dimensions_raise(tmp_path: pathlib.Path, size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="even"):
        _render(tmp_path, _spec(width=size[0], height=size[1]))


def test_failure_mid_render_leaves_nothing_behind(tmp_path: pathlib.Path) -> None:
    def explode(percent: int) -> None:
        if percent >= 50:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError, match="worker killed"):
        _render(tmp_path, _spec(), on_progress=explode)
    out = tmp_path / "out"
    assert not (out / "clip.mp4").exists()
    assert list(out.iterdir()) == []


def test_unicode_and_overlong_text_do_not_crash(tmp_path: pathlib.Path) -> None:
    spec = _spec(
        heading="INT. CAFÉ 東京 — NIGHT",
        action="雨が降っている。" * 80 + " Café crème " * 200,
        dialogue=(("健二", "こんにちは"), ("ÉLODIE", "Ça va ? " * 50)),
        cast=("Élodie", "健二") + tuple(f"Extra {i}" for i in range(30)),
        duration_seconds=1,
    )
    video, thumb = _render(tmp_path, spec)
    assert video.stat().st_size > 0 and thumb.stat().st_size > 0


def _share_of_colour(image: Image.Image, want: tuple[int, int, int]) -> float:
    """Share of pixels within 40 of `want` on every channel (video compression blurs)."""
    pixels = list(image.convert("RGB").get_flattened_data())
    near = sum(all(abs(p[i] - want[i]) < 40 for i in range(3)) for p in pixels)
    return near / len(pixels)


def test_the_casts_reference_images_are_composed_into_the_frames(tmp_path: pathlib.Path) -> None:
    red, green = tmp_path / "red.png", tmp_path / "green.jpg"
    Image.new("RGB", (300, 400), (220, 20, 20)).save(red)
    Image.new("RGB", (400, 300), (20, 200, 40)).save(green, "JPEG")
    spec = _spec(portraits=(("Mara", str(red)), ("Jonas", str(green))))

    _, thumb = _render(tmp_path, spec)
    plain = tmp_path / "plain"
    plain.mkdir()
    _, plain_thumb = _render(plain, _spec())

    with Image.open(thumb) as framed, Image.open(plain_thumb) as bare:
        assert _share_of_colour(framed, (220, 20, 20)) > 0.02
        assert _share_of_colour(framed, (20, 200, 40)) > 0.02
        assert _share_of_colour(bare, (220, 20, 20)) < 0.001


def test_an_unreadable_reference_image_leaves_its_slot_empty(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")

    video, _ = _render(tmp_path, _spec(portraits=(("Mara", str(broken)),)))

    with av.open(str(video)) as container:
        assert container.streams.video[0].frames == 48
