"""Checking uploaded reference media by its content, never by its name.

Images are opened with Pillow, refused when they are too big (bytes or pixels), not
PNG/JPEG/WebP, animated or truncated, then re-encoded: EXIF orientation applied, every
piece of metadata dropped, CMYK and palette images converted. Clips are opened with PyAV
and must be H.264 in MP4, 2–4 s long. Limits are documented in docs/characters.md.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

import av
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 x 5000; a decompression bomb is far above this
MIN_REFERENCE_SIDE = 256  # providers want detail: a thumbnail-sized reference is useless
MAX_CLIP_BYTES = 20 * 1024 * 1024
CLIP_SECONDS = (2.0, 4.0)
CLIP_TOLERANCE = 0.05  # encoders round the last frame: 4.04 s is a 4 s clip
# PyAV names MP4 and QuickTime alike ("mov,mp4,m4a,3gp,3g2,mj2"): the file type box's
# major brand tells them apart. QuickTime says "qt  ", 3GP "3gp4" and so on.
MP4_BRANDS = frozenset({"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1"})

FORMATS = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "WEBP": ("image/webp", ".webp"),
}


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    image: Image.Image  # the decoded, upright pixels (for face detection and thumbnails)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _open(upload: IO[bytes]) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a PNG, JPEG or WebP image."
        ) from exc


def _too_many_pixels(max_pixels: int = MAX_IMAGE_PIXELS) -> ValidationError:
    return ValidationError(
        f"This image has too many pixels (at most {max_pixels // 1_000_000} megapixels): "
        "it may be a decompression bomb. Upload a smaller image."
    )


def _upright_rgb(image: Image.Image, fmt: str) -> Image.Image:
    try:
        image.load()
    except OSError as exc:  # "image file is truncated", broken data
        raise ValidationError("This image is damaged or incomplete. Upload it again.") from exc
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    if fmt != "JPEG" and has_alpha:
        return upright.convert("RGBA")
    return upright.convert("RGB")  # CMYK, palette, 16-bit, greyscale: plain RGB


def open_reference(upload: IO[bytes], *, size: int, max_pixels: int) -> Image.Image:
    """The image opened lazily (no pixels decoded yet) once its header passed every check."""
    if size == 0:
        raise ValidationError("This file is empty. Choose the image again.")
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(f"This image is larger than {_megabytes(MAX_IMAGE_BYTES)}.")
    image = _open(upload)
    if image.format not in FORMATS:
        raise ValidationError(
            f"{image.format or 'This'} images are not accepted. Upload a PNG, JPEG or WebP image."
        )
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(max_pixels)
    if getattr(image, "n_frames", 1) > 1:
        raise ValidationError(
            "Animated images are not accepted as references. Upload a still image "
            "(or a 2–4 s clip as the reference clip)."
        )
    if min(image.size) < MIN_REFERENCE_SIDE:
        raise ValidationError(
            f"This image is {image.width}×{image.height} pixels: a reference needs at least "
            f"{MIN_REFERENCE_SIDE} pixels on its short side."
        )
    return image


def check_image(upload: IO[bytes], *, size: int) -> CheckedImage:
    """The image re-encoded without metadata, or a ValidationError saying what is wrong."""
    image = open_reference(upload, size=size, max_pixels=MAX_IMAGE_PIXELS)
    fmt = str(image.format)
    upright = _upright_rgb(image, fmt)
    buffer = io.BytesIO()
    # Saving without exif/icc/info drops all metadata (GPS, camera, comments).
    options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    upright.save(buffer, format=fmt, **options)
    content_type, extension = FORMATS[fmt]
    return CheckedImage(
        buffer.getvalue(), content_type, extension, upright.width, upright.height, upright
    )


def check_clip(upload: IO[bytes], *, size: int) -> float:
    """The clip's duration in seconds if it is a 2–4 s H.264 MP4; else a ValidationError."""
    if size > MAX_CLIP_BYTES:
        raise ValidationError(f"This clip is larger than {_megabytes(MAX_CLIP_BYTES)}.")
    try:
        with av.open(upload, mode="r") as container:
            brand = str(container.metadata.get("major_brand", "")).strip()
            is_mp4 = "mp4" in container.format.name.split(",") and brand in MP4_BRANDS
            streams = container.streams.video
            codec = streams[0].codec_context.name if streams else ""
            seconds = _duration(container)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ValidationError("This file is not a video we can read. Upload an MP4.") from exc
    if not is_mp4 or codec != "h264":
        raise ValidationError(
            "The reference clip must be an MP4 with H.264 video (not QuickTime .mov, MKV or WebM)."
        )
    low, high = CLIP_SECONDS
    if not low - CLIP_TOLERANCE <= seconds <= high + CLIP_TOLERANCE:
        raise ValidationError(
            f"The reference clip must last 2 to 4 seconds; this one lasts {seconds:.1f} s."
        )
    return round(seconds, 2)


def _duration(container: av.container.InputContainer) -> float:
    if container.duration:
        return container.duration / av.time_base
    stream = container.streams.video[0]
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return 0.0
