"""Parse a script written in our Fountain subset into scenes (see docs/script-format.md).

Pure functions on text: no database, so the rules are easy to test on their own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(INT\./EXT\.|INT/EXT|I/E|INT\.|EXT\.|EST\.)\s*\S", re.IGNORECASE)
FORCED_HEADING = re.compile(r"^\.(?!\.)\s*(\S.*)$")
CUE = re.compile(r"^(@?[A-Z0-9][A-Z0-9 ._'\-]*?)(\s*\(.*\))?\s*\^?$")
# Not preceded by a word character or a dot, so "mia@example.com" mentions no one.
HANDLE = re.compile(r"(?<![A-Za-z0-9_.])@([A-Za-z0-9_]{3,30})\b")
SHOT = re.compile(r"\[\[\s*shot\s*:(?P<body>[^\]]*)\]\]", re.IGNORECASE)
DURATION = re.compile(r"(\d{1,2})\s*s\b")
NOTE = re.compile(r"\[\[.*?\]\]")

DEFAULT_DURATIONS = (4, 8, 12)
MAX_SHOT_SECONDS = 20
WORDS_PER_SECOND = 2.5


@dataclass
class ParsedScene:
    heading: str
    line: int
    action_lines: list[str] = field(default_factory=list)
    dialogue: list[tuple[str, str]] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    camera: str = ""
    forced_duration: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return " ".join(self.action_lines).strip()

    def duration(self, allowed: tuple[int, ...] = DEFAULT_DURATIONS) -> int:
        """The shot line's duration, else an estimate from the text, snapped to `allowed`."""
        if self.forced_duration:
            return self.forced_duration
        words = sum(len(line.split()) for _, line in self.dialogue)
        words += len(self.action.split()) // 3  # action reads faster than it plays
        estimate = math.ceil(words / WORDS_PER_SECOND) + 1
        return next((d for d in sorted(allowed) if d >= estimate), max(allowed))


def _add_handles(scene: ParsedScene, text: str) -> None:
    for handle in (h.lower() for h in HANDLE.findall(text)):
        if handle not in scene.handles:
            scene.handles.append(handle)


def _read_shot(scene: ParsedScene, text: str, line: int) -> None:
    for match in SHOT.finditer(text):
        body = match.group("body")
        if duration := DURATION.search(body):
            seconds = int(duration.group(1))
            scene.forced_duration = min(max(seconds, 1), MAX_SHOT_SECONDS)
            if seconds != scene.forced_duration:
                scene.problems.append(
                    f"Line {line}: a shot lasts 1–{MAX_SHOT_SECONDS} seconds; "
                    f"{seconds}s was set to {scene.forced_duration}s. Split the scene instead."
                )
        parts = [
            p.strip() for p in body.split(",") if p.strip() and not DURATION.fullmatch(p.strip())
        ]
        scene.camera = ", ".join(parts)


def _heading_of(line: str) -> str | None:
    if HEADING.match(line):
        return line.strip().upper()
    if forced := FORCED_HEADING.match(line):
        return forced.group(1).strip()
    return None


def _is_cue(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    prev_blank = i == 0 or not lines[i - 1].strip()
    next_text = i + 1 < len(lines) and lines[i + 1].strip()
    has_letters = any(c.isalpha() for c in line)
    return bool(prev_blank and next_text and has_letters and CUE.match(line))


def parse_script(text: str) -> list[ParsedScene]:
    """Split a script into scenes: heading, action, dialogue, @handles, shot notes."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scenes: list[ParsedScene] = []
    speaker: str | None = None
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            speaker = None
            continue
        if heading := _heading_of(line):
            scenes.append(ParsedScene(heading=heading, line=i + 1))
            speaker = None
            continue
        if not scenes or line.startswith(("#", "=")):
            continue  # title page, sections and synopses carry no scene content
        scene = scenes[-1]
        _read_shot(scene, line, i + 1)
        _add_handles(scene, line)
        line = " ".join(NOTE.sub(" ", line).split())
        if not line:
            continue
        if speaker is not None:
            if not (line.startswith("(") and line.endswith(")")):
                scene.dialogue.append((speaker, line))
        elif _is_cue(lines, i):
            speaker = CUE.match(line).group(1).lstrip("@").strip()  # type: ignore[union-attr]
        else:
            scene.action_lines.append(line)
    return scenes
