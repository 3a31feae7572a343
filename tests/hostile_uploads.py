"""A hostile upload corpus, generated: every file here must be refused with a clear 4xx."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

from PIL import Image

from tests.character_media import animated_webp, clip_bytes, image_bytes, png_claiming_size


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def real_png_bomb() -> bytes:
    """A valid 9000×9000 PNG (81 MP) of zeros: a few hundred KB on disk."""
    header = struct.pack(">IIBBBBB", 9000, 9000, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * 9000
    pixels = zlib.compress(row * 9000, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + (_png_chunk(b"IEND", b""))
    )


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) is patched to claim width×height."""
    data = bytearray(image_bytes("JPEG", size=(320, 256)))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_claiming_size(width: int, height: int) -> bytes:
    """A VP8X WebP whose canvas claims width×height."""
    data = bytearray(image_bytes("WEBP", size=(320, 256), exif=Image.Exif().tobytes() or b"x"))
    if data[12:16] != b"VP8X":
        raise AssertionError("expected an extended WebP")
    data[24:27] = (width - 1).to_bytes(3, "little")
    data[27:30] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def gif_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (5000, 5000)).save(buffer, format="GIF")
    return buffer.getvalue()


def apng() -> bytes:
    frames = [Image.new("RGB", (300, 300), c) for c in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="PNG", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def other_format(fmt: str) -> Callable[[], bytes]:
    return lambda: image_bytes(fmt, size=(320, 256))


SVG = b"""<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4096" height="4096">
<script>alert(document.cookie)</script><rect width="100%" height="100%"/></svg>"""
HTML_AS_PNG = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
GIF_HTML_POLYGLOT = b"GIF89a/*<svg onload=alert(1)>*/=1;" + b"\x00" * 64

# (name, file name sent, bytes, a phrase of the message the user must read)
IMAGES: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("png bomb header", "bomb.png", lambda: png_claiming_size(30_000, 30_000), "too many pixels"),
    ("png bomb real", "bomb.png", real_png_bomb, "too many pixels"),
    ("jpeg bomb header", "bomb.jpg", lambda: jpeg_claiming_size(60_000, 60_000), "too many pixels"),
    (
        "webp bomb header",
        "bomb.webp",
        lambda: webp_claiming_size(16_000, 16_000),
        "too many pixels",
    ),
    ("gif bomb", "bomb.gif", gif_bomb, "GIF images are not accepted"),
    ("svg with script", "x.png", lambda: SVG, "not an image we can read"),
    ("html posing as png", "x.png", lambda: HTML_AS_PNG, "not an image we can read"),
    ("gif/js polyglot", "x.png", lambda: GIF_HTML_POLYGLOT, "not"),
    ("truncated png", "t.png", lambda: image_bytes("PNG", size=(800, 800))[:400], "damaged"),
    ("truncated jpeg", "t.jpg", lambda: image_bytes("JPEG", size=(800, 600))[:700], "damaged"),
    ("zero bytes", "empty.png", lambda: b"", "empty"),
    ("mp4 named png", "clip.png", lambda: clip_bytes(3), "not an image we can read"),
    ("tiff", "x.tif", other_format("TIFF"), "TIFF images are not accepted"),
    ("bmp", "x.bmp", other_format("BMP"), "BMP images are not accepted"),
    ("animated webp", "a.webp", animated_webp, "Animated images are not accepted"),
    ("animated png", "a.png", apng, "Animated images are not accepted"),
    ("tiny", "tiny.png", lambda: image_bytes(size=(8, 8)), "at least 256 pixels"),
]

CLIPS: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("quicktime mov", "clip.mp4", lambda: clip_bytes(3, fmt="mov"), "not QuickTime"),
    ("matroska", "clip.mp4", lambda: clip_bytes(3, fmt="matroska"), "not QuickTime"),
    ("webm", "clip.mp4", lambda: clip_bytes(3, fmt="webm", codec="libvpx"), "not QuickTime"),
    ("mpeg-4 part 2", "clip.mp4", lambda: clip_bytes(3, codec="mpeg4"), "H.264"),
    ("too long", "clip.mp4", lambda: clip_bytes(30, fps=2), "must last 2 to 4 seconds"),
    ("png named mp4", "clip.mp4", lambda: image_bytes(), "must be an MP4"),
    ("truncated mp4", "clip.mp4", lambda: clip_bytes(3)[:600], "not a video we can read"),
    ("zero bytes", "clip.mp4", lambda: b"", "empty"),
    ("svg named mp4", "clip.mp4", lambda: SVG, "not a video we can read"),
]
