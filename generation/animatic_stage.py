"""The animatic's stage: a backdrop per location, the cast cut out on it, and the camera.

Everything here is drawn once per clip into one "world" image a little larger than the
frame; the camera (a Ken Burns move read from the scene's camera note) then only crops,
and resizes when it zooms, per frame.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

Box = tuple[float, float, float, float]  # left, top, right, bottom
WORLD_SCALE = 1.25  # the world is this much larger than the frame: room to pan and pull out
PUSH_TIGHT = 0.8  # a push-in ends on this share of the frame (1.25 / 0.8: a 1.56x zoom)
BORDER_TOLERANCE = 30  # per channel: JPEG noise around a flat background colour
PLAIN_BORDER_SHARE = 0.9  # this much of the border within tolerance: a plain background
CUTOUT_SIDE = 800  # references are cut out on a copy no larger than this (the stage's size)
MIN_FIGURE_SHARE = 0.02  # less than this left after the cut: there was no figure to cut out
NIGHT_WORDS = ("NIGHT", "EVENING", "DUSK", "MIDNIGHT", "LATE")
INT_EXT = re.compile(r"^\s*(INT\.?/EXT\.?|EXT\.?/INT\.?|I/E\.?|INT\.?|EXT\.?|EST\.?)\s+", re.I)


@dataclass(frozen=True)
class Location:
    place: str
    exterior: bool
    night: bool


def location_of(heading: str) -> Location:
    """The place of a scene heading, and whether it is outside and at night."""
    text = " ".join(heading.split())
    prefix = INT_EXT.match(text)
    kind = prefix.group(1).upper() if prefix else ""
    rest = text[prefix.end() :] if prefix else text
    place, _, time = rest.rpartition(" - ") if " - " in rest else (rest, "", "")
    night = any(word in time.upper() for word in NIGHT_WORDS)
    return Location(place.strip().casefold(), kind.startswith(("EXT", "EST")), night)


def camera_move(note: str) -> str:
    """The Ken Burns move a camera note asks for: push-in, pull-out, pan-*, tilt-* or static."""
    text = " " + " ".join(re.sub(r"[^a-z]+", " ", note.lower()).split()) + " "
    if re.search(r" (pull|dolly|zoom|track|move)s? (out|back) | pull ", text):
        return "pull-out"
    if re.search(r" (push|dolly|zoom|track|move|creep)s? in | push | zoom | close in ", text):
        return "push-in"
    if re.search(r" (tilt|crane|boom|pedestal|jib)s? ", text):
        return "tilt-down" if " down " in text else "tilt-up"
    if re.search(r" (pan|track|tracking|truck|dolly|follow|follows|sweep)s? ", text):
        if " right to left " in text or (" left " in text and " left to right " not in text):
            return "pan-left"
        return "pan-right"
    return "static"


def _seed(place: str) -> bytes:
    return hashlib.sha256(place.encode()).digest()  # stable across processes, unlike hash()


def palette(location: Location) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Top and bottom colours of a location's backdrop: its own hue, shaded for INT/EXT, time."""
    seed = _seed(location.place)
    hue = seed[0] / 256
    sat = 0.35 + seed[1] / 256 * 0.25
    light = (0.62 if location.exterior else 0.55) if not location.night else 0.3
    if location.night:
        hue = hue * 0.3 + 0.62 * 0.7  # night pulls every place towards blue
    top = _rgb(colorsys.hls_to_rgb(hue, min(0.85, light + 0.12), sat))
    bottom = _rgb(colorsys.hls_to_rgb((hue + 0.04) % 1, max(0.12, light - 0.12), sat * 0.9))
    if location.exterior and not location.night:  # a daylight sky above any place
        top = _mix(top, (150, 200, 245), 0.55)
    return top, bottom


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    r, g, bl = (round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _rgb(colour: tuple[float, float, float]) -> tuple[int, int, int]:
    r, g, b = (round(c * 255) for c in colour)
    return r, g, b


def backdrop(location: Location, size: tuple[int, int], horizon: int) -> Image.Image:
    """A gradient wall or sky with a floor or ground band; a moon and stars outside at night."""
    w, h = size
    top, bottom = palette(location)
    ramp = Image.linear_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    image = ImageOps.colorize(ramp, black=top, white=bottom)
    draw = ImageDraw.Draw(image)
    ground = tuple(max(0, int(c * 0.7)) for c in bottom)
    draw.rectangle((0, horizon, w, h), fill=ground)
    edge = tuple(min(255, int(c * 1.25)) for c in ground)
    draw.line((0, horizon, w, horizon), fill=edge, width=max(2, h // 200))
    seed = _seed(location.place)
    if location.exterior and location.night:
        for i in range(24):
            x, y = seed[i % 32] * w // 256, (seed[(i * 7) % 32] * horizon // 2) // 256
            r = 1 + (seed[(i * 3) % 32] % 3)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(240, 240, 255))
        m, r, y = int(w * 0.75), w // 14, h // 5
        draw.ellipse((m - r, y - r, m + r, y + r), fill=(250, 246, 220))
    elif not location.exterior:  # a window on the wall, placed by the location's own seed
        x0, y0 = int(w * (0.12 + seed[2] / 256 * 0.5)), int(h * 0.3)
        pane = (220, 230, 255) if not location.night else (40, 50, 95)
        x1, y1, bar = x0 + w // 4, y0 + h // 6, max(3, w // 120)
        frame_colour = tuple(int(c * 0.55) for c in top)
        draw.rounded_rectangle(
            (x0, y0, x1, y1), radius=6, fill=pane, outline=frame_colour, width=bar
        )
        draw.line(((x0 + x1) // 2, y0, (x0 + x1) // 2, y1), fill=frame_colour, width=bar)
        draw.line((x0, (y0 + y1) // 2, x1, (y0 + y1) // 2), fill=frame_colour, width=bar)
    return image


def _plain_border(pixels: np.ndarray) -> np.ndarray | None:
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]]).astype(np.int16)
    colour = np.median(border, axis=0)
    near = (np.abs(border - colour).max(axis=1) <= BORDER_TOLERANCE).mean()
    return colour if near >= PLAIN_BORDER_SHARE else None


def cut_out(source: Image.Image) -> tuple[Image.Image, bool]:
    """The figure as RGBA with its plain background made transparent, and whether it was cut."""
    image = ImageOps.exif_transpose(source).convert("RGBA")
    image.thumbnail((CUTOUT_SIDE, CUTOUT_SIDE))
    alpha = image.getchannel("A")
    if int(np.asarray(alpha).min()) < 255:  # already transparent around the figure
        return image.crop(alpha.getbbox() or (0, 0, *image.size)), True
    pixels = np.asarray(image.convert("RGB"))
    colour = _plain_border(pixels)
    if colour is None:
        return image, False
    difference = np.abs(pixels.astype(np.int16) - colour.astype(np.int16)).max(axis=2)
    close = (difference <= BORDER_TOLERANCE).astype(np.uint8)
    _, labels = cv2.connectedComponents(close, connectivity=4)
    edges = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    background = np.isin(labels, np.unique(edges[edges > 0]))
    if background.mean() > 1 - MIN_FIGURE_SHARE:  # a flat swatch, not a figure: keep it whole
        return image, False
    mask = Image.fromarray(np.where(background, 0, 255).astype(np.uint8))
    image.putalpha(mask.filter(ImageFilter.GaussianBlur(1)))
    return image.crop(mask.getbbox() or (0, 0, *image.size)), True


def _card(image: Image.Image) -> Image.Image:
    """A reference without a plain background, shown as a white-edged card with round corners."""
    edge = max(4, image.width // 40)
    card = Image.new("RGBA", (image.width + 2 * edge, image.height + 2 * edge), (250, 248, 240))
    card.paste(image, (edge, edge))
    mask = Image.new("L", card.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *card.size), radius=edge * 3, fill=255)
    card.putalpha(mask)
    return card


@dataclass(frozen=True)
class Figure:
    name: str
    image: Image.Image  # RGBA, already cut out or carded


def load_figure(name: str, path: str) -> Figure | None:
    """A cast member's reference ready for the stage; None when the file cannot be read."""
    try:
        with Image.open(path) as source:
            image, was_cut = cut_out(source)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return Figure(name, image if was_cut else _card(image))


def stage(
    location: Location,
    figures: list[Figure],
    frame: tuple[int, int],
    label_font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    floor: float,
) -> tuple[Image.Image, Box]:
    """The world (backdrop and figures standing at `floor`, a frame y) and the figures' box."""
    w, h = frame
    world_size = (round(w * WORLD_SCALE) // 2 * 2, round(h * WORLD_SCALE) // 2 * 2)
    ox, oy = (world_size[0] - w) / 2, (world_size[1] - h) / 2
    ground = oy + floor
    # The floor (or ground) starts a little behind where the cast stands.
    world = backdrop(location, world_size, int(ground - h * 0.07)).convert("RGBA")
    count = len(figures[:3])
    if not count:
        return world.convert("RGB"), (ox + w * 0.3, oy + h * 0.3, ox + w * 0.7, oy + h * 0.7)
    slot_w = w * 0.94 / count
    max_h = floor * (0.72 if count == 1 else 0.62)
    subject: Box = (world_size[0], world_size[1], 0, 0)
    for i, figure in enumerate(figures[:3]):
        scale = min(slot_w * 0.9 / figure.image.width, max_h / figure.image.height)
        size = (
            max(1, round(figure.image.width * scale)),
            max(1, round(figure.image.height * scale)),
        )
        cx = ox + w * 0.03 + slot_w * (i + 0.5)
        left, top = round(cx - size[0] / 2), round(ground - size[1])
        _shadow(world, cx, ground, size[0])
        world.alpha_composite(figure.image.resize(size, Image.Resampling.LANCZOS), (left, top))
        _name_tag(world, figure.name, cx, ground, label_font)
        subject = (
            min(subject[0], left),
            min(subject[1], top),
            max(subject[2], left + size[0]),
            max(subject[3], ground),
        )
    return world.convert("RGB"), subject


def _shadow(world: Image.Image, cx: float, ground: float, width: int) -> None:
    rx, ry = width * 0.42, max(4, width * 0.07)
    pad = int(ry * 2)
    box = (int(cx - rx - pad), int(ground - ry - pad), int(cx + rx + pad), int(ground + ry + pad))
    mask = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
    ImageDraw.Draw(mask).ellipse((pad, pad, mask.width - pad, mask.height - pad), fill=110)
    mask = mask.filter(ImageFilter.GaussianBlur(pad / 2))
    shade = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    shade.putalpha(mask)
    world.alpha_composite(shade, (box[0], box[1]))


def _name_tag(
    world: Image.Image,
    name: str,
    cx: float,
    ground: float,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    size = int(getattr(font, "size", 11))
    text_w = int(font.getlength(name))
    box = (cx - text_w / 2 - size * 0.6, ground + size * 0.5, cx + text_w / 2 + size * 0.6)
    tag = (*box, ground + size * 2.1)
    layer = Image.new("RGBA", world.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rounded_rectangle(tag, radius=size // 2, fill=(15, 15, 25, 170))
    draw.text((cx - text_w / 2, ground + size * 0.68), name, font=font, fill=(255, 236, 190))
    world.alpha_composite(layer)


def camera_path(
    move: str, world: tuple[int, int], frame: tuple[int, int], subject: Box
) -> tuple[Box, Box]:
    """Where the camera's window starts and ends, in world pixels (same aspect as the frame)."""
    (ww, wh), (w, h) = world, frame
    neutral: Box = ((ww - w) / 2, (wh - h) / 2, (ww + w) / 2, (wh + h) / 2)
    if move in ("push-in", "pull-out"):
        cx, cy = (subject[0] + subject[2]) / 2, (subject[1] + subject[3]) / 2
        tw, th = w * PUSH_TIGHT, h * PUSH_TIGHT
        x0 = min(max(0, cx - tw / 2), ww - tw)
        y0 = min(max(0, cy - th / 2), wh - th)
        wide: Box = (0, 0, ww, wh)
        tight: Box = (x0, y0, x0 + tw, y0 + th)
        return (wide, tight) if move == "push-in" else (tight, wide)
    y, x = neutral[1], neutral[0]
    shifts = {
        "pan-right": ((0, y), (ww - w, y)),
        "pan-left": ((ww - w, y), (0, y)),
        # A tilt ends a little above (below) centre: the cast stays clear of the captions.
        "tilt-up": ((x, wh - h), (x, (wh - h) * 0.3)),
        "tilt-down": ((x, (wh - h) * 0.3), (x, wh - h)),
    }
    if move not in shifts:
        return neutral, neutral
    (ax, ay), (bx, by) = shifts[move]
    return (ax, ay, ax + w, ay + h), (bx, by, bx + w, by + h)


def window_at(start: Box, end: Box, t: float) -> Box:
    """The camera window at time t in 0..1, eased in and out."""
    e = t * t * (3 - 2 * t)
    a0, a1, a2, a3 = start
    b0, b1, b2, b3 = end
    return (a0 + (b0 - a0) * e, a1 + (b1 - a1) * e, a2 + (b2 - a2) * e, a3 + (b3 - a3) * e)
