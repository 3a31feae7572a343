"""The free local check: do a character's reference colours appear in the take's frames?

A reference drawn on a plain background (as design candidates and most sheets are) has
that background dropped: pixels near the colour of its border. Its dominant colours
(coarse bins of 32 levels per channel) are weighted by how much of the figure they
cover. A frame scores each such colour by the distance to the nearest colour that covers
at least `PRESENT` of the frame; the score is the weighted similarity, 0–100. It knows
nothing of shapes: a blue scarf where the bible says red costs points, a wrong haircut
in the right colours does not — that is the judge's work.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

LEVEL = 8  # bin width per channel (256 / 8 = 32 levels)
TOP = 6  # dominant colours kept per reference
PRESENT = 0.002  # a frame colour counts when it covers 0.2 % of the frame
FAR = 110.0  # RGB distance at which a colour counts as absent
BACKGROUND = 30  # levels from the border colour that count as the plain background


def _pixels(image: Image.Image, side: int = 256) -> np.ndarray:
    small = image.convert("RGB")
    small.thumbnail((side, side))
    return np.asarray(small, dtype=np.int16).reshape(-1, 3)


def _figure(image: Image.Image) -> np.ndarray:
    """The reference's pixels without its plain background (all of them if it has none)."""
    rgb = np.asarray(image.convert("RGB").resize((256, 256)), dtype=np.int16)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    colour = np.median(border, axis=0)
    plain = np.abs(border - colour).max(axis=1) <= BACKGROUND
    pixels = rgb.reshape(-1, 3)
    if plain.mean() < 0.9:  # not a plain background: keep everything
        return pixels
    figure = pixels[np.abs(pixels - colour).max(axis=1) > BACKGROUND]
    return figure if len(figure) else pixels


def _bins(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bin colours, shares) of the pixels, largest share first."""
    binned = (pixels // LEVEL) * LEVEL + LEVEL // 2
    colours, counts = np.unique(binned, axis=0, return_counts=True)
    order = np.argsort(-counts)
    return colours[order].astype(float), counts[order] / counts.sum()


def dominant_colours(references: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
    """The figure's dominant colours over all its references, with their weights (sum 1)."""
    pixels = np.concatenate([_figure(image) for image in references])
    colours, shares = _bins(pixels)
    colours, shares = colours[:TOP], shares[:TOP]
    return colours, shares / shares.sum()


def frame_score(colours: np.ndarray, weights: np.ndarray, frame: Image.Image) -> float:
    """0–100: how well the frame's colours cover the reference's dominant colours."""
    present, shares = _bins(_pixels(frame))
    present = present[shares >= PRESENT]
    if not len(present):
        return 0.0
    distances = np.linalg.norm(colours[:, None, :] - present[None, :, :], axis=2).min(axis=1)
    similarity = np.clip(1.0 - distances / FAR, 0.0, 1.0)
    return float(100.0 * (weights * similarity).sum())


def palette_score(references: list[Image.Image], frames: list[Image.Image]) -> int:
    """The character's local score in these frames: the median of the frames' scores."""
    colours, weights = dominant_colours(references)
    scores = sorted(frame_score(colours, weights, frame) for frame in frames)
    return round(scores[len(scores) // 2]) if scores else 0
