"""Render storyboard-style animatic clips (H.264 MP4 + JPEG thumbnail) with PyAV and Pillow."""

from __future__ import annotations

import bisect
import os
import pathlib
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from generation.animatic_stage import (
    Box,
    camera_move,
    camera_path,
    load_figure,
    location_of,
    stage,
    window_at,
)

# load_default() falls back to a bitmap font when Pillow lacks FreeType.
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Color = tuple[int, ...]
THUMB_WIDTH = 360
ELLIPSIS = "…"
ACCENT: Color = (255, 200, 90)
# Flat drawn colours: x264's animation tuning keeps their edges clean in fewer bytes. The
# simplest motion search costs a quarter less CPU on zooms for ~15 % larger files.
X264_OPTIONS = {
    "preset": "veryfast",
    "crf": "23",
    "tune": "animation",
    "x264-params": "me=dia:subme=1",
}
CAPTION_LEAD_IN = 12  # characters of reading time each dialogue line gets besides its length
# The bundled font covers ASCII plus a little typography (curly quotes, …), so accented Latin is
# folded to base letters ("Café" -> "Cafe") rather than drawn as empty boxes.
FOLD = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
    }
)


@dataclass(frozen=True)
class AnimaticSpec:
    heading: str
    action: str
    dialogue: tuple[tuple[str, str], ...]
    duration_seconds: int
    width: int
    height: int
    cast: tuple[str, ...] = ()
    fps: int = 12
    # (name, image path) of the cast's front references, drawn large on the stage.
    portraits: tuple[tuple[str, str], ...] = ()
    camera: str = ""  # the scene's camera note: push-in, pull-out, pan, tilt or static


def _validate(spec: AnimaticSpec) -> None:
    w, h = spec.width, spec.height
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise ValueError(f"width and height must be positive even numbers, got {w}x{h}")
    if not 1 <= spec.duration_seconds <= 20:
        raise ValueError(f"duration_seconds must be 1..20, got {spec.duration_seconds}")
    if spec.fps <= 0:
        raise ValueError(f"fps must be positive, got {spec.fps}")


def _size(font: Font) -> int:
    return int(getattr(font, "size", 11))


def _fold(text: str) -> str:
    """Replace non-ASCII characters with an ASCII spelling when one exists; keep the rest."""
    if text.isascii():
        return text
    out = []
    for ch in text.translate(FOLD):
        nfkd = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in nfkd if not unicodedata.combining(c))
        out.append(base if not ch.isascii() and base and base.isascii() else ch)
    return "".join(out)


def _fit(text: str, font: Font, max_w: float) -> str:
    """Shorten text with an ellipsis until it fits max_w."""
    if font.getlength(text) <= max_w:
        return text
    while text and font.getlength(text + ELLIPSIS) > max_w:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _split_long(word: str, font: Font, max_w: float, limit: int) -> list[str]:
    """Hard-break a word wider than max_w (e.g. CJK text without spaces) into <= limit pieces."""
    pieces: list[str] = []
    while word and len(pieces) < limit:
        cut = 1  # grow rather than shrink, so a huge word costs O(piece) measurements per piece
        while cut < len(word) and font.getlength(word[: cut + 1]) <= max_w:
            cut += 1
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces


def _wrap(text: str, font: Font, max_w: float, max_lines: int) -> list[str]:
    """Greedy word wrap; overflow past max_lines ends in an ellipsis."""
    lines: list[str] = []
    for word in _fold(text).split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_w:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.extend(_split_long(word, font, max_w, max_lines + 1))
        if len(lines) > max_lines:
            break  # long text: stop measuring, the rest is cut anyway
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1] + ELLIPSIS, font, max_w)
    return lines


def _draw_lines(
    draw: ImageDraw.ImageDraw, lines: list[str], font: Font, xy: tuple[int, int], fill: Color
) -> int:
    """Draw lines top-down and return the y below the last one."""
    x, y = xy
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill)
        y += int(_size(font) * 1.3)
    return y


def _font(size: float) -> Font:
    return ImageFont.load_default(size=max(8, int(size)))


def _title(spec: AnimaticSpec, unit: int, margin: int) -> Image.Image:
    """The scene heading as a small title; the action below it (when dialogue has the bottom)."""
    heading_font, action_font = _font(unit * 1.05), _font(unit * 0.95)
    max_w = spec.width - 2 * margin - 2 * unit
    heading = _wrap(spec.heading.upper(), heading_font, max_w, 1)
    action = _wrap(spec.action, action_font, max_w, 2) if spec.dialogue else []
    widths = [heading_font.getlength(line) for line in heading]
    widths += [action_font.getlength(line) for line in action]
    line_h = int(_size(heading_font) * 1.35)
    size = (int(max(widths, default=0)) + 2 * unit, line_h * (len(heading) + len(action)) + unit)
    tile = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    draw.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=unit // 2, fill=(8, 8, 16, 150))
    y = _draw_lines(draw, heading, heading_font, (unit, unit // 2), ACCENT)
    _draw_lines(draw, action, action_font, (unit, y), (225, 226, 235))
    return tile


def _caption(speaker: str, line: str, width: int, unit: int, margin: int) -> Image.Image:
    """A subtitle box for one dialogue line (or for the action when nobody speaks)."""
    name_font, line_font = _font(unit * 1.0), _font(unit * 1.45)
    max_w = width - 2 * margin - 2 * unit
    lines = _wrap(line, line_font, max_w, 3)
    name = _fit(_fold(speaker.upper()), name_font, max_w) if speaker else ""
    text_w = max([line_font.getlength(x) for x in lines] + [name_font.getlength(name)])
    name_h = int(_size(name_font) * 1.4) if name else 0
    size = (int(text_w) + 2 * unit, name_h + int(len(lines) * _size(line_font) * 1.3) + unit)
    tile = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    draw.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=unit, fill=(0, 0, 0, 175))
    if name:
        draw.text((unit, unit // 2), name, font=name_font, fill=ACCENT)
    colour = (255, 255, 255) if speaker else (215, 218, 230)
    _draw_lines(draw, lines, line_font, (unit, unit // 2 + name_h), colour)
    return tile


def caption_starts(dialogue: tuple[tuple[str, str], ...], total: int) -> list[int]:
    """The first frame of each dialogue line: a share of the scene by length, plus a lead-in."""
    weights = [len(line) + CAPTION_LEAD_IN for _, line in dialogue]
    starts, done = [], 0
    for weight in weights:
        starts.append(round(total * done / sum(weights)))
        done += weight
    return starts


def _shoot(world: np.ndarray, window: Box, size: tuple[int, int]) -> Image.Image:
    """The camera's view: a plain crop when it does not zoom, else one affine resample."""
    left, top, right, bottom = window
    if abs(right - left - size[0]) < 1e-6 and abs(bottom - top - size[1]) < 1e-6:
        x, y = round(left), round(top)
        return Image.fromarray(world[y : y + size[1], x : x + size[0]])
    sx, sy = size[0] / (right - left), size[1] / (bottom - top)
    matrix = np.array([[sx, 0, -left * sx], [0, sy, -top * sy]], dtype=np.float32)
    # One bilinear pass straight from the world, sub-pixel exact, so slow zooms never judder.
    return Image.fromarray(cv2.warpAffine(world, matrix, size, flags=cv2.INTER_LINEAR))


def _frames(spec: AnimaticSpec) -> Iterator[Image.Image]:
    """Yield every frame as an RGB image: the camera's view of one world, plus captions."""
    w, h = spec.width, spec.height
    unit = max(8, min(w, h) // 36)
    margin = unit * 2
    loaded = (load_figure(_fold(name), path) for name, path in spec.portraits[:3])
    figures = [figure for figure in loaded if figure is not None]
    title = _title(spec, unit, margin)
    lines = spec.dialogue or ((("", spec.action),) if spec.action.strip() else ())
    captions = [_caption(speaker, line, w, unit, margin) for speaker, line in lines]
    # The cast stands high enough that its name tags clear the tallest caption.
    caption_top = h - margin - max((tile.height for tile in captions), default=0)
    floor = min(h * 0.79, caption_top - unit * 3)
    world, subject = stage(location_of(spec.heading), figures, (w, h), _font(unit * 1.1), floor)
    start, end = camera_path(camera_move(spec.camera), world.size, (w, h), subject)
    pixels = np.asarray(world)
    total = spec.duration_seconds * spec.fps
    starts = caption_starts(lines, total)
    key: tuple[Box, int] | None = None
    frame = world
    for i in range(total):
        window = window_at(start, end, i / max(1, total - 1))
        line = bisect.bisect_right(starts, i) - 1
        if (window, line) != key:  # a static shot between two lines is the same frame
            key, frame = (window, line), _shoot(pixels, window, (w, h))
            frame.paste(title, (margin, margin), title)
            if line >= 0:
                tile = captions[line]
                frame.paste(tile, ((w - tile.width) // 2, h - margin - tile.height), tile)
        yield frame


def _temp_path(target: pathlib.Path) -> pathlib.Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp creates 0600; the media server must be able to read the result
    return pathlib.Path(name)


def _encode(
    spec: AnimaticSpec, video: pathlib.Path, thumb: pathlib.Path, report: Callable[[int], None]
) -> None:
    total, last = spec.duration_seconds * spec.fps, 0
    thumb_size = (THUMB_WIDTH, max(2, round(THUMB_WIDTH * spec.height / spec.width)))
    # faststart puts the index up front so browsers can start playback before the full download.
    with av.open(str(video), "w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=spec.fps, options=X264_OPTIONS)
        stream.width, stream.height, stream.pix_fmt = spec.width, spec.height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, spec.fps)
        shown: Image.Image | None = None
        yuv: np.ndarray = np.empty(0, np.uint8)
        for i, image in enumerate(_frames(spec)):
            if i == total // 2:
                image.resize(thumb_size, Image.Resampling.LANCZOS).save(thumb, "JPEG", quality=85)
            if image is not shown:  # a held frame is converted to YUV once
                shown, yuv = image, cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2YUV_I420)
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts = i
            container.mux(stream.encode(frame))
            percent = min(90, (i + 1) * 100 // total // 10 * 10)
            if percent > last:
                last = percent
                report(percent)
        container.mux(stream.encode(None))


def render_animatic(
    spec: AnimaticSpec,
    *,
    video_path: pathlib.Path,
    thumbnail_path: pathlib.Path,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Render a real H.264 MP4 animatic of the scene and a JPEG thumbnail."""
    _validate(spec)
    report = on_progress or (lambda _percent: None)
    video_path, thumbnail_path = pathlib.Path(video_path), pathlib.Path(thumbnail_path)
    video_path.parent.mkdir(parents=True, exist_ok=True)
    thumbnail_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_video, tmp_thumb = _temp_path(video_path), _temp_path(thumbnail_path)
    try:
        report(0)
        _encode(spec, tmp_video, tmp_thumb, report)
        os.replace(tmp_thumb, thumbnail_path)
        os.replace(tmp_video, video_path)
    except BaseException:
        tmp_video.unlink(missing_ok=True)
        tmp_thumb.unlink(missing_ok=True)
        raise
    report(100)
