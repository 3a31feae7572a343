"""Render storyboard-style animatic clips (H.264 MP4 + JPEG thumbnail) with PyAV and Pillow."""

from __future__ import annotations

import os
import pathlib
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
from PIL import Image, ImageDraw, ImageFont, ImageOps

# load_default() falls back to a bitmap font when Pillow lacks FreeType.
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Color = tuple[int, ...]
THUMB_WIDTH = 360
ELLIPSIS = "…"
ACCENT: Color = (255, 200, 90)
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
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
    # (name, image path) of the cast's reference images, drawn as portraits with their name.
    portraits: tuple[tuple[str, str], ...] = ()


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


def _draw_tags(
    draw: ImageDraw.ImageDraw, cast: tuple[str, ...], unit: int, margin: int, y: int, right: int
) -> int:
    """Draw cast name tags in at most two rows and return the y below them."""
    font = ImageFont.load_default(size=int(unit * 0.9))
    x, row, row_h = margin, 0, int(unit * 1.8)
    for name in cast:
        label = _fit(_fold(name), font, right - margin - unit)
        tag_w = int(font.getlength(label)) + unit
        if x + tag_w > right:
            if row == 1:
                break  # a crowd scene would push the action text off-frame
            x, row, y = margin, row + 1, y + row_h
        box = (x, y, x + tag_w, y + int(unit * 1.4))
        draw.rounded_rectangle(box, radius=unit // 2, fill=(*ACCENT, 60))
        draw.text((x + unit // 2, y + unit // 4), label, font=font, fill=(255, 225, 170))
        x += tag_w + unit // 2
    return y + row_h + unit // 2 if cast else y


def _draw_portraits(
    layer: Image.Image, portraits: tuple[tuple[str, str], ...], unit: int, margin: int, y: int
) -> int:
    """Paste up to three reference portraits, each named, and return the y below them."""
    side = min((layer.width - 2 * margin) // 3 - unit, unit * 12)
    font = ImageFont.load_default(size=int(unit * 0.9))
    draw = ImageDraw.Draw(layer)
    x, drawn = margin, 0
    for name, path in portraits[:3]:
        try:
            with Image.open(path) as source:
                picture = ImageOps.fit(
                    ImageOps.exif_transpose(source).convert("RGBA"), (side, side)
                )
        except (OSError, ValueError):
            continue  # an unreadable reference leaves its slot empty, never fails the render
        layer.paste(picture, (x, y))
        draw.rectangle((x, y, x + side, y + side), outline=(*ACCENT, 220), width=2)
        label = _fit(_fold(name), font, side)
        draw.text((x, y + side + unit // 4), label, font=font, fill=(255, 225, 170))
        x, drawn = x + side + unit, drawn + 1
    return y + side + unit * 2 if drawn else y


def _static_layer(spec: AnimaticSpec, unit: int, margin: int, bottom: int) -> Image.Image:
    """Panel, heading, cast tags and action text, drawn once onto a transparent overlay."""
    w, h = spec.width, spec.height
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    text_w = w - 2 * margin
    panel = (margin // 2, margin // 2, w - margin // 2, h - margin // 2)
    draw.rounded_rectangle(
        panel, radius=unit // 2, fill=(0, 0, 0, 90), outline=(255, 255, 255, 40), width=2
    )
    font = ImageFont.load_default(size=unit * 2)
    lines = _wrap(spec.heading.upper(), font, text_w, 2)
    y = _draw_lines(draw, lines, font, (margin, margin), (245, 240, 225))
    draw.line((margin, y, w - margin, y), fill=(*ACCENT, 200), width=3)
    y = _draw_tags(draw, spec.cast, unit, margin, y + unit, w - margin)
    y = _draw_portraits(layer, spec.portraits, unit, margin, y)
    font = ImageFont.load_default(size=int(unit * 1.3))
    max_lines = max(1, (bottom - y) // int(_size(font) * 1.3))
    lines = _wrap(spec.action, font, text_w, max_lines)
    _draw_lines(draw, lines, font, (margin, y), (220, 222, 235))
    return layer


def _caption(speaker: str, line: str, width: int, unit: int, margin: int) -> Image.Image:
    """A subtitle box for one dialogue line."""
    font = ImageFont.load_default(size=int(unit * 1.4))
    lines = _wrap(f"{speaker.upper()}: {line}", font, width - 4 * margin, 3)
    size = (width - 2 * margin, int(len(lines) * _size(font) * 1.3 + unit * 1.5))
    tile = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    draw.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=unit, fill=(0, 0, 0, 170))
    _draw_lines(draw, lines, font, (margin, int(unit * 0.75)), (255, 255, 255))
    return tile


def _frames(spec: AnimaticSpec) -> Iterator[Image.Image]:
    """Yield every frame as an RGB image; only the pan, caption and timeline change."""
    w, h = spec.width, spec.height
    unit = max(8, min(w, h) // 36)
    margin = unit * 2
    pad_x, pad_y = max(2, w // 12), max(2, h // 12)
    bar_y = h - margin - unit
    # A dark radial glow slightly larger than the frame, panned diagonally for gentle motion.
    glow = Image.radial_gradient("L").resize((w + pad_x, h + pad_y), Image.Resampling.BILINEAR)
    background = ImageOps.colorize(glow, black=(58, 52, 92), white=(10, 11, 20))
    captions = [_caption(speaker, line, w, unit, margin) for speaker, line in spec.dialogue]
    caption_h = max((tile.height for tile in captions), default=0)
    overlay = _static_layer(spec, unit, margin, bar_y - 2 * unit - caption_h)
    total = spec.duration_seconds * spec.fps
    for i in range(total):
        t = i / max(1, total - 1)
        left, top = int(pad_x * t), int(pad_y * (1 - t))
        frame = background.crop((left, top, left + w, top + h))
        frame.paste(overlay, (0, 0), overlay)
        if captions:
            tile = captions[i * len(captions) // total]
            frame.paste(tile, (margin, bar_y - unit - tile.height), tile)
        draw = ImageDraw.Draw(frame)
        done = margin + int((w - 2 * margin) * (i + 1) / total)
        draw.rectangle((margin, bar_y, w - margin, bar_y + unit // 3), fill=(60, 60, 80))
        draw.rectangle((margin, bar_y, done, bar_y + unit // 3), fill=ACCENT)
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
        for i, image in enumerate(_frames(spec)):
            if i == total // 2:
                image.resize(thumb_size, Image.Resampling.LANCZOS).save(thumb, "JPEG", quality=85)
            frame = av.VideoFrame.from_image(image)
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
