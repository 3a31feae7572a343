"""The demo cast's front references, drawn by code: a kitchen robot and a white cat.

Drawn at twice the size and scaled down (smooth edges), on a plain paper-coloured
background, the way an artist would upload a reference sheet, so the animatic's cut-out
and the upload checks treat them like any upload.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageDraw

SIZE = (768, 1024)
SCALE = 2
PAPER = (246, 241, 230)
INK = (52, 44, 56)
Pen = ImageDraw.ImageDraw


def _canvas() -> tuple[Image.Image, Pen]:
    image = Image.new("RGB", (SIZE[0] * SCALE, SIZE[1] * SCALE), PAPER)
    return image, ImageDraw.Draw(image)


def _png(image: Image.Image) -> bytes:
    small = image.resize(SIZE, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")  # check_image re-encodes it, optimized, as any upload
    return buffer.getvalue()


def _s(*values: float) -> tuple[int, ...]:
    """Coordinates given on the 768x1024 sheet, scaled to the drawing canvas."""
    return tuple(int(v * SCALE) for v in values)


def robot_chef() -> bytes:
    """Hana: a round cream kitchen robot in a mustard apron, a screen face and a chef's hat."""
    image, d = _canvas()
    line = 6 * SCALE
    cream, apron, screen, glow = (250, 232, 196), (232, 178, 48), (40, 48, 66), (120, 236, 220)
    d.line(_s(384, 170, 384, 120), fill=INK, width=line)  # antenna
    d.ellipse(_s(366, 100, 402, 136), fill=(240, 90, 80), outline=INK, width=line)
    for x0, x1 in ((150, 235), (533, 618)):  # arms, behind the body
        d.rounded_rectangle(
            _s(x0, 520, x1, 560), radius=18 * SCALE, fill=cream, outline=INK, width=line
        )
        d.ellipse(
            _s(x0 - 20 if x0 < 300 else x1 - 20, 510, x0 + 20 if x0 < 300 else x1 + 20, 570),
            fill=(200, 200, 210),
            outline=INK,
            width=line,
        )
    d.rounded_rectangle(
        _s(230, 430, 538, 820), radius=70 * SCALE, fill=cream, outline=INK, width=line
    )
    d.polygon(_s(270, 520, 498, 520, 520, 800, 248, 800), fill=apron, outline=INK, width=line)
    d.rounded_rectangle(
        _s(330, 600, 438, 680), radius=14 * SCALE, fill=(245, 205, 90), outline=INK, width=line // 2
    )
    d.line(_s(270, 525, 230, 470), fill=INK, width=line)  # apron straps
    d.line(_s(498, 525, 538, 470), fill=INK, width=line)
    d.rounded_rectangle(
        _s(200, 200, 568, 450), radius=80 * SCALE, fill=cream, outline=INK, width=line
    )
    d.rounded_rectangle(
        _s(245, 245, 523, 410), radius=50 * SCALE, fill=screen, outline=INK, width=line
    )
    for cx in (320, 448):  # happy arc eyes
        d.arc(_s(cx - 34, 290, cx + 34, 350), start=200, end=340, fill=glow, width=10 * SCALE)
    d.arc(_s(350, 330, 418, 380), start=20, end=160, fill=glow, width=8 * SCALE)
    d.ellipse(_s(262, 360, 296, 380), fill=(240, 120, 130))  # cheeks on the screen
    d.ellipse(_s(472, 360, 506, 380), fill=(240, 120, 130))
    d.rounded_rectangle(
        _s(250, 150, 518, 225), radius=20 * SCALE, fill=(255, 255, 255), outline=INK, width=line
    )
    for cx in (300, 384, 468):  # the puffy top of the hat
        d.ellipse(_s(cx - 70, 40, cx + 70, 190), fill=(255, 255, 255), outline=INK, width=line)
    d.rectangle(_s(256, 150, 512, 219), fill=(255, 255, 255))
    for x0 in (270, 420):  # wheels
        d.rounded_rectangle(
            _s(x0, 810, x0 + 80, 880),
            radius=30 * SCALE,
            fill=(90, 96, 120),
            outline=INK,
            width=line,
        )
    return _png(image)


def white_cat() -> bytes:
    """Mochi: a chubby white cat, a grey patch over the left ear, amber eyes, a red collar."""
    image, d = _canvas()
    line = 6 * SCALE
    white, grey, pink = (255, 255, 252), (150, 150, 160), (246, 160, 170)
    d.arc(_s(470, 520, 700, 880), start=200, end=100, fill=INK, width=44 * SCALE)  # tail
    d.arc(_s(477, 527, 693, 873), start=203, end=97, fill=white, width=30 * SCALE)
    d.ellipse(_s(170, 480, 598, 900), fill=white, outline=INK, width=line)  # body
    d.ellipse(_s(250, 820, 360, 900), fill=white, outline=INK, width=line)  # front paws
    d.ellipse(_s(408, 820, 518, 900), fill=white, outline=INK, width=line)
    # The cat's left ear is on the viewer's right.
    d.polygon(_s(200, 300, 230, 110, 350, 220), fill=white, outline=INK, width=line)
    d.polygon(_s(568, 300, 538, 110, 418, 220), fill=grey, outline=INK, width=line)
    d.polygon(_s(230, 270, 245, 160, 320, 225), fill=pink)
    d.ellipse(_s(150, 180, 618, 560), fill=white, outline=INK, width=line)  # head
    d.chord(_s(400, 190, 610, 420), start=250, end=30, fill=grey)  # the patch over the left ear
    for cx in (290, 478):
        d.ellipse(_s(cx - 52, 310, cx + 52, 414), fill=(245, 170, 40), outline=INK, width=line)
        d.ellipse(_s(cx - 18, 322, cx + 18, 402), fill=INK)
        d.ellipse(_s(cx - 30, 328, cx - 10, 348), fill=(255, 255, 255))
    d.polygon(_s(364, 440, 404, 440, 384, 462), fill=pink, outline=INK, width=line // 2)
    d.arc(_s(340, 450, 386, 490), start=0, end=160, fill=INK, width=line // 2)
    d.arc(_s(382, 450, 428, 490), start=20, end=180, fill=INK, width=line // 2)
    for dy in (-12, 8, 28):
        d.line(_s(200, 450 + dy, 320, 460), fill=INK, width=line // 2)
        d.line(_s(568, 450 + dy, 448, 460), fill=INK, width=line // 2)
    d.chord(_s(240, 520, 528, 600), start=0, end=180, fill=(214, 40, 52), outline=INK, width=line)
    d.ellipse(_s(360, 570, 408, 618), fill=(250, 204, 60), outline=INK, width=line)  # the bell
    d.line(_s(370, 600, 398, 600), fill=INK, width=line // 2)
    return _png(image)


DRAWINGS: dict[str, Callable[[], bytes]] = {"hana_chef": robot_chef, "mochi_cat": white_cat}
