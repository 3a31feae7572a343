"""Subtitles from the script's dialogue, timed to each scene's place in the episode.

Within a scene the lines follow the dialogue order, each given a share of the scene's
length in proportion to its length in characters (short lines still get a readable
minimum share), inside a small margin at the scene's start and end.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pysubs2

MARGIN_SECONDS = 0.25
SHORTEST_LINE_WEIGHT = 12  # characters: "No." is on screen as long as a short sentence


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def scene_cues(dialogue: list[dict[str, Any]], *, start: float, end: float) -> list[Cue]:
    """The scene's lines spread over its time in the episode; voiced lines (with their
    `start` and `end` in the scene, generation/sound/mix.py) at the voices' real times."""
    spoken = [d for d in dialogue if str(d.get("line", "")).strip()]
    if spoken and end > start and all("start" in d for d in spoken):
        return [Cue(start=min(start + d["start"], end), end=min(start + d["end"], end),
                    text=str(d["line"]).strip()) for d in spoken]  # fmt: skip
    lines = [str(d.get("line", "")).strip() for d in spoken]
    if not lines or end <= start:
        return []
    margin = min(MARGIN_SECONDS, (end - start) * 0.05)
    usable = end - start - 2 * margin
    weights = [max(len(line), SHORTEST_LINE_WEIGHT) for line in lines]
    cues, clock = [], start + margin
    for line, weight in zip(lines, weights, strict=True):
        length = usable * weight / sum(weights)
        cues.append(Cue(start=clock, end=clock + length, text=line))
        clock += length
    return cues


def translated_cues(cues: list[Cue], dialogue: list[dict[str, Any]], language: str) -> list[Cue]:
    """The scene's cues in another language, timed as the original lines (`cues` are the
    scene's cues from `scene_cues`); an untranslated line has no cue."""
    lines = [d for d in dialogue if str(d.get("line", "")).strip()]
    texts = [str((d.get("translations") or {}).get(language, "")) for d in lines]
    return [replace(cue, text=text) for cue, text in zip(cues, texts, strict=True) if text]


def write_sidecars(cues: list[Cue], *, srt: Path, vtt: Path) -> None:
    """The cues as .srt and .vtt files (written by pysubs2)."""
    subs = pysubs2.SSAFile()
    for cue in cues:
        event = pysubs2.SSAEvent(start=round(cue.start * 1000), end=round(cue.end * 1000))
        event.plaintext = cue.text
        subs.append(event)
    subs.save(str(srt), format_="srt", encoding="utf-8")
    subs.save(str(vtt), format_="vtt", encoding="utf-8")


def mov_text_sample(text: str) -> bytes:
    """One sample of an MP4 timed-text (tx3g / mov_text) track: a 16-bit length, then UTF-8."""
    data = text.encode("utf-8")
    return struct.pack(">H", len(data)) + data
