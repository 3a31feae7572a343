"""The animatic as a viewer sees it: real clips rendered, decoded with PyAV, measured."""

from __future__ import annotations

import pathlib

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from generation.animatic_render import AnimaticSpec, render_animatic
from generation.animatic_stage import camera_move, location_of

ORANGE = (250, 120, 20)
W, H, FPS = 360, 640, 12


def _figure(tmp_path: pathlib.Path, background: tuple[int, int, int] = (255, 255, 255)) -> str:
    """An orange disc on a plain background, the way a reference sheet is drawn."""
    path = tmp_path / "figure.png"
    image = Image.new("RGB", (400, 600), background)
    ImageDraw.Draw(image).ellipse((60, 60, 340, 540), fill=ORANGE)
    image.save(path)
    return str(path)


def _frames(tmp_path: pathlib.Path, **fields: object) -> list[np.ndarray]:
    values: dict[str, object] = dict(
        heading="INT. KITCHEN - DAY", action="", dialogue=(), duration_seconds=2, width=W, height=H
    )
    values.update(fields)
    video = tmp_path / f"clip{len(list(tmp_path.iterdir()))}.mp4"
    render_animatic(
        AnimaticSpec(**values), video_path=video, thumbnail_path=video.with_suffix(".jpg")
    )  # type: ignore[arg-type]
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _near(frame: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    return np.abs(frame.astype(int) - colour).max(axis=2) < tolerance


def _orange(frame: np.ndarray) -> tuple[int, float, float]:
    """How many pixels of the figure are in frame, and their centre (x, y)."""
    ys, xs = np.nonzero(_near(frame, ORANGE))
    return len(xs), float(xs.mean()), float(ys.mean())


@pytest.mark.parametrize(
    ("note", "move"),
    [
        ("close-up on the basket, slow push-in", "push-in"),
        ("two-shot, quick zoom", "push-in"),
        ("wide, zoom out to the street", "pull-out"),
        ("wide, tracking left to right", "pan-right"),
        ("pan left across the room", "pan-left"),
        ("wide, slow crane up", "tilt-up"),
        ("tilt down to the floor", "tilt-down"),
        ("medium shot, static", "static"),
        ("over-the-shoulder", "static"),
        ("", "static"),
    ],
)
def test_camera_notes_become_moves(note: str, move: str) -> None:
    assert camera_move(note) == move


def test_a_push_in_grows_the_subject_and_a_pull_out_shrinks_it(tmp_path: pathlib.Path) -> None:
    portraits = (("Mochi", _figure(tmp_path)),)
    pushed = _frames(tmp_path, portraits=portraits, camera="slow push-in")
    pulled = _frames(tmp_path, portraits=portraits, camera="pull back")

    assert _orange(pushed[-1])[0] > 1.8 * _orange(pushed[0])[0]
    assert _orange(pulled[-1])[0] < _orange(pulled[0])[0] / 1.8
    sizes = [_orange(frame)[0] for frame in pushed]
    assert sizes == sorted(sizes)  # a steady move, never backwards


def test_a_pan_shifts_the_subject_across_and_a_tilt_up_lowers_it(tmp_path: pathlib.Path) -> None:
    portraits = (("Mochi", _figure(tmp_path)),)
    right = _frames(tmp_path, portraits=portraits, camera="pan right")
    left = _frames(tmp_path, portraits=portraits, camera="pan left")
    up = _frames(tmp_path, portraits=portraits, camera="crane up")
    still = _frames(tmp_path, portraits=portraits, camera="static")

    # The camera turns right: what it films slides left in the frame, by a tenth of it or more.
    assert _orange(right[-1])[1] < _orange(right[0])[1] - W / 10
    assert _orange(left[-1])[1] > _orange(left[0])[1] + W / 10
    assert _orange(up[-1])[2] > _orange(up[0])[2] + H / 20
    assert _orange(right[0])[0] == pytest.approx(_orange(right[-1])[0], rel=0.05)  # no zoom
    (first, x0, y0), (last, x1, y1) = _orange(still[0]), _orange(still[-1])
    assert abs(x1 - x0) < 1 and abs(y1 - y0) < 1 and last == pytest.approx(first, rel=0.02)


def _backdrop(frame: np.ndarray) -> np.ndarray:
    """The mean colour of a patch of wall clear of the title, the window, cast and captions."""
    return frame[int(H * 0.6) : int(H * 0.65), 2:20].reshape(-1, 3).mean(axis=0)


def test_each_location_has_its_own_backdrop_shaded_by_time_of_day(tmp_path: pathlib.Path) -> None:
    kitchen = _frames(tmp_path, heading="INT. KITCHEN - DAY", duration_seconds=1)
    again = _frames(
        tmp_path, heading="int.  kitchen - day", action="Other words.", duration_seconds=1
    )
    garage = _frames(tmp_path, heading="INT. GARAGE - DAY", duration_seconds=1)
    night = _frames(tmp_path, heading="INT. KITCHEN - NIGHT", duration_seconds=1)

    assert np.abs(_backdrop(kitchen[0]) - _backdrop(again[0])).max() < 4
    assert np.abs(_backdrop(kitchen[0]) - _backdrop(garage[0])).max() > 30
    assert _backdrop(night[0]).mean() < _backdrop(kitchen[0]).mean() - 40


def test_headings_name_their_place_inside_or_out_by_day_or_night() -> None:
    assert location_of("EXT. KITCHEN WINDOW - NIGHT") == location_of("ext. kitchen window - night")
    place = location_of("INT. HANA'S KITCHEN - NIGHT")
    assert (place.place, place.exterior, place.night) == ("hana's kitchen", False, True)
    assert location_of("EXT. ROOFTOP - DAY").exterior
    assert not location_of("EXT. ROOFTOP - DAY").night


def _caption_changes(frames: list[np.ndarray]) -> list[int]:
    bottom = [frame[int(H * 0.8) :].astype(int) for frame in frames]
    return [i for i in range(1, len(frames)) if np.abs(bottom[i] - bottom[i - 1]).mean() > 1]


def test_each_dialogue_line_is_captioned_for_its_share_of_the_scene(
    tmp_path: pathlib.Path,
) -> None:
    short, long = "Hi.", "I kept the last dumpling for myself, of course."
    frames = _frames(
        tmp_path, dialogue=(("HANA", short), ("MOCHI", long)), duration_seconds=4, camera="static"
    )

    # Shares by length plus a 12-character lead-in each: (3 + 12) of (3 + 12 + 47 + 12).
    switch = round(4 * FPS * 15 / 74)
    assert _caption_changes(frames) == [switch]
    assert _caption_changes(frames[:switch]) == []


def test_a_reference_on_a_plain_background_is_cut_out(tmp_path: pathlib.Path) -> None:
    plain = _frames(tmp_path, portraits=(("Mochi", _figure(tmp_path)),), duration_seconds=1)
    noisy_sheet = tmp_path / "photo.png"
    photo = np.random.default_rng(1).integers(0, 255, (600, 400, 3), dtype=np.uint8)
    Image.fromarray(photo).save(noisy_sheet)
    photo_frames = _frames(tmp_path, portraits=(("Mochi", str(noisy_sheet)),), duration_seconds=1)

    frame = plain[0]
    count, cx, cy = _orange(frame)
    assert count > 0.05 * W * H  # large in the frame
    assert _near(frame, (255, 255, 255), 30).mean() < 0.002  # the white sheet is gone
    # Just outside the disc, where the sheet's corner was, the backdrop shows.
    ys, xs = np.nonzero(_near(frame, ORANGE))
    corner = frame[ys.min() + 4, xs.min() + 4].astype(int)
    assert np.abs(corner - 255).max() > 60
    # A reference without a plain border (a photo) is shown whole, not cut into pieces.
    assert _near(photo_frames[0], (255, 255, 255), 60).mean() > 0.002
