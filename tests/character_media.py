"""Reference media made on the fly for tests (no binaries in the repository)."""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction

import av
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (320, 256), **save: object) -> bytes:
    image = Image.new("RGB", size, (240, 120, 30))
    ImageDraw.Draw(image).rectangle([0, 0, size[0] // 2, size[1] // 2], fill=(20, 20, 200))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(content: bytes, name: str = "ref.png", content_type: str = "image/png"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_exif_rotation_and_gps() -> bytes:
    """A 320x256 JPEG whose EXIF says "rotate 90°" and which carries a camera make and GPS."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPSInfo
    return image_bytes("JPEG", exif=exif.tobytes())


def cmyk_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("CMYK", (400, 300), (0, 255, 255, 0)).save(buffer, format="JPEG")
    return buffer.getvalue()


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (32, 32), color) for color in ("red", "blue", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def face_png(size: int = 400) -> bytes:
    """A drawn frontal face that OpenCV's Haar cascade recognises as a human face."""
    image = Image.new("RGB", (size, size), (90, 110, 140))
    draw = ImageDraw.Draw(image)
    s = size / 400
    shapes = [
        ("ellipse", [100, 60, 300, 340], (225, 185, 160)),  # head
        ("ellipse", [95, 40, 305, 130], (50, 35, 25)),  # hair
        ("rectangle", [130, 135, 185, 145], (60, 40, 30)),  # brows
        ("rectangle", [215, 135, 270, 145], (60, 40, 30)),
        ("ellipse", [140, 160, 180, 185], (40, 30, 30)),  # eyes
        ("ellipse", [220, 160, 260, 185], (40, 30, 30)),
        ("ellipse", [160, 270, 240, 295], (140, 60, 60)),  # mouth
    ]
    for shape, box, fill in shapes:
        getattr(draw, shape)([v * s for v in box], fill=fill)
    draw.polygon([(200 * s, 190 * s), (185 * s, 250 * s), (215 * s, 250 * s)], fill=(205, 160, 140))
    buffer = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(3 * s)).save(buffer, format="PNG")
    return buffer.getvalue()


def clip_bytes(seconds: float, *, codec: str = "libx264", fmt: str = "mp4", fps: int = 10) -> bytes:
    """A small real video of the given length."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        stream.time_base = Fraction(1, fps)
        for index in range(round(seconds * fps)):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 64), (index * 7 % 255, 80, 160)))
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
