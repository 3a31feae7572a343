"""Subtitles burned into the picture: drawn with Pillow in the project's font (DejaVu Sans
Bold from the system, see docs/export.md), wrapped, outlined, inside the title-safe area
of a vertical video (nothing in the bottom 15 %, where phone apps put their buttons)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from generation.export.subtitles import Cue

# DejaVu (Bitstream Vera licence, free to embed) from Debian's fonts-dejavu-core; the other
# folders are where other systems keep it. Pillow's own scalable font is the last resort.
FONT_NAMES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")
FONT_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)
SAFE_BOTTOM = 0.15  # of the height, kept clear
SAFE_SIDES = 0.08  # of the width, each side
MAX_LINES = 3
LUMA_TEXT, LUMA_OUTLINE, NEUTRAL = 235.0, 16.0, 128.0

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def font_path() -> Path | None:
    """The shipped subtitle font, found in the usual system folders."""
    for folder in FONT_FOLDERS:
        for name in FONT_NAMES:
            if (path := Path(folder, name)).is_file():
                return path
    return None


@lru_cache(maxsize=16)
def font(size: int, own: Path | None = None) -> Font:
    """The project's own font (`own`, checked on upload) or the shipped one, at this size."""
    path = own or font_path()
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(path), size=size)


def font_size(width: int) -> int:
    return max(16, width // 18)


def caption_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where burned subtitles may be drawn (left, top, right, bottom), even coordinates:
    up to three lines standing on the title-safe line, inside the side margins."""
    size = font_size(width)
    bottom = int(height * (1 - SAFE_BOTTOM)) // 2 * 2
    top = (bottom - MAX_LINES * _line_height(size) - 2 * _stroke(size)) // 2 * 2
    left = int(width * SAFE_SIDES) // 2 * 2
    return left, max(top, 0), width - left, bottom


def _line_height(size: int) -> int:
    return round(size * 1.25)


def _stroke(size: int) -> int:
    return max(2, size // 12)


def wrap(text: str, face: Font, room: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and face.getlength(candidate) > room:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return [line for line in lines if line]


class Caption:
    """One cue drawn once, then blended into every frame it is on screen."""

    def __init__(self, text: str, width: int, height: int, own: Path | None = None) -> None:
        self.box = left, top, right, bottom = caption_box(width, height)
        room_w, room_h = right - left, bottom - top
        size = font_size(width)
        while True:  # a long line gets a smaller font rather than leaving the safe area
            face = font(size, own)
            lines = wrap(text, face, room_w - 2 * _stroke(size))
            if len(lines) <= MAX_LINES or size <= 12:
                break
            size -= 2
        image = Image.new("LA", (room_w, room_h), (0, 0))
        draw = ImageDraw.Draw(image)
        step = _line_height(size)
        y = room_h - _stroke(size) - step * len(lines) + step // 2
        for line in lines[:MAX_LINES]:
            draw.text((room_w / 2, y), line, font=face, anchor="mm", fill=(255, 255),
                      stroke_width=_stroke(size), stroke_fill=(0, 255))  # fmt: skip
            y += step
        pixels = np.asarray(image, dtype=np.float32)
        self.alpha = pixels[:, :, 1] / 255
        self.ink = LUMA_OUTLINE + (LUMA_TEXT - LUMA_OUTLINE) * pixels[:, :, 0] / 255
        self.chroma_alpha = self.alpha[::2, ::2]

    def burn(self, planes: np.ndarray, width: int, height: int) -> None:
        """Draw into a yuv420p frame's planes (as PyAV's to_ndarray gives them), in place."""
        left, top, right, bottom = self.box
        luma = planes[top:bottom, left:right].astype(np.float32)
        planes[top:bottom, left:right] = luma + (self.ink - luma) * self.alpha
        quarter = height // 4
        for start in (height, height + quarter):  # U, then V: half size, neutral under text
            plane = planes[start : start + quarter].reshape(height // 2, width // 2)
            area = plane[top // 2 : bottom // 2, left // 2 : right // 2]
            chroma = area.astype(np.float32)
            area[:] = chroma + (NEUTRAL - chroma) * self.chroma_alpha


class Captions:
    """The cues of the scene being encoded; gives the caption on screen at a moment."""

    def __init__(self, width: int, height: int, own_font: Path | None = None) -> None:
        self.width, self.height = width, height
        self.own_font = own_font
        self.cues: list[Cue] = []
        self.drawn: dict[int, Caption] = {}

    def add(self, cues: list[Cue]) -> None:
        self.cues.extend(cues)

    def at(self, seconds: float) -> Caption | None:
        for index, cue in enumerate(self.cues):
            if cue.start <= seconds < cue.end:
                if index not in self.drawn:
                    self.drawn = {index: Caption(cue.text, self.width, self.height, self.own_font)}
                return self.drawn[index]
        return None
