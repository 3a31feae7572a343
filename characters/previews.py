"""Inline previews of images chosen in a form, before anything is stored."""

from __future__ import annotations

import base64
import io

from characters.uploads import CheckedImage

PREVIEW_SIDE = 240


def preview_data_url(checked: CheckedImage) -> str:
    """A small JPEG of the checked image as a data: URL (nothing is written to storage)."""
    small = checked.image.convert("RGB")
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
