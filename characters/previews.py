"""Inline previews of images chosen in a form, before anything is stored.

Anyone in a studio can call the preview, so it decodes as little as it can: a far lower
pixel ceiling than uploads (PREVIEW_MAX_PIXELS), JPEGs decoded at reduced scale by the
codec (Pillow's `draft`), other formats reduced right after decoding, and a bounded number
of decodes at once per process and per user (`decode_slot`); a busy process answers
"try again" instead of growing.
"""

from __future__ import annotations

import base64
import io
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import ImageOps

from characters.faces import DETECT_SIDE, has_human_face
from characters.uploads import open_reference

PREVIEW_SIDE = 240
PREVIEW_MAX_PIXELS = 16_000_000  # a 12 MP phone photo passes; a 40 MP bomb-sized one does not


@dataclass(frozen=True)
class Preview:
    src: str  # a data: URL of a small JPEG
    face: bool


class DecodersBusy(Exception):
    """Too many previews decoding at once; `status` is 429 (this user) or 503 (everyone)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


_lock = threading.Lock()
_running: Counter[int] = Counter()


@contextmanager
def decode_slot(user_id: int) -> Iterator[None]:
    """Hold one of the process's preview decodes for this user, or raise DecodersBusy."""
    with _lock:
        if _running[user_id] >= settings.COMICSTUDIO_PREVIEW_DECODES_PER_USER:
            raise DecodersBusy(
                "Your previous image is still being checked: wait for its preview.", 429
            )
        if _running.total() >= settings.COMICSTUDIO_PREVIEW_DECODES:
            raise DecodersBusy(
                "Previews are busy: choose the image again in a few seconds "
                "(it is checked when you save in any case).",
                503,
            )
        _running[user_id] += 1
    try:
        yield
    finally:
        with _lock:
            _running[user_id] -= 1
            if not _running[user_id]:
                del _running[user_id]


def make_preview(upload: IO[bytes], *, size: int) -> Preview:
    """A small preview and face warning of an image, or a ValidationError saying what is wrong."""
    image = open_reference(upload, size=size, max_pixels=PREVIEW_MAX_PIXELS)
    try:
        # JPEG: the codec decodes at 1/2…1/8 scale; others are reduced as soon as decoded.
        image.thumbnail((DETECT_SIDE, DETECT_SIDE), reducing_gap=2.0)
    except OSError as exc:  # "image file is truncated", broken data
        raise ValidationError("This image is damaged or incomplete. Upload it again.") from exc
    upright = (ImageOps.exif_transpose(image) or image).convert("RGB")
    face = has_human_face(upright)
    upright.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buffer = io.BytesIO()
    upright.save(buffer, format="JPEG", quality=80)
    return Preview("data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode(), face)
