"""Warning about human faces in reference images, with OpenCV's bundled Haar cascade.

Some providers reject references showing a human face (docs/characters.md); recording
it at upload lets generation refuse early instead of paying for a moderation failure.
It is a warning, not a refusal: illustrated and anime characters trigger it sometimes.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from PIL import Image

DETECT_SIDE = 640  # faces in reference sheets are large; a small copy is fast and enough


@cache
def _cascade() -> cv2.CascadeClassifier:
    cascades = cv2.data.haarcascades  # type: ignore[attr-defined]  # untyped submodule
    return cv2.CascadeClassifier(cascades + "haarcascade_frontalface_default.xml")


def has_human_face(image: Image.Image) -> bool:
    """Whether the cascade finds at least one frontal human face in the image."""
    small = image.convert("L")
    small.thumbnail((DETECT_SIDE, DETECT_SIDE))
    pixels = cv2.equalizeHist(np.asarray(small))
    side = min(small.size)
    faces = _cascade().detectMultiScale(
        pixels, scaleFactor=1.1, minNeighbors=5, minSize=(max(24, side // 10),) * 2
    )
    return len(faces) > 0
