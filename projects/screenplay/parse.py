"""Reading our Fountain subset line by line into scenes of beats (see docs/script-format.md).

Pure functions on text: no database, so the rules are easy to test on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from projects.screenplay.problems import Problem

HEADING = re.compile(r"^(INT\./EXT\.|INT/EXT|I/E|INT\.|EXT\.|EST\.)\s*\S", re.IGNORECASE)
FORCED_HEADING = re.compile(r"^\.(?![.\s])(.*\S)\s*$")
CUE = re.compile(r"^(@?[A-Z0-9][A-Z0-9 ._'\-]*?)(\s*\(.*\))?\s*\^?$")
# A cue written as a character's handle: `@mycat_fluffy` on its own line before dialogue.
HANDLE_CUE = re.compile(r"^@([a-z0-9_]{3,30})(\s*\(.*\))?\s*\^?$")
# Fountain's forced cue for names not in capitals: `@McCLANE`.
FORCED_CUE = re.compile(r"^@(?P<name>[^(^]*[^(^\s])(\s*\(.*\))?\s*\^?$")
# Not preceded by a word character or a dot, so "mia@example.com" mentions no one.
HANDLE = re.compile(r"(?<![A-Za-z0-9_.])@([A-Za-z0-9_]{3,30})\b")
TRANSITION = re.compile(r"^[A-Z0-9 .'\-]+TO:$")
FORCED_TRANSITION = re.compile(r"^>\s*(?P<text>[^<]*\S)\s*$")
CENTERED = re.compile(r"^>\s*(?P<text>.*?)\s*<$")
SHOT = re.compile(r"\[\[\s*shot\s*:(?P<body>[^\]]*)\]\]", re.IGNORECASE)
OMITTED = re.compile(r"\[\[\s*omitted\s*\]\]", re.IGNORECASE)
DURATION = re.compile(r"^(\d{1,3})\s*s(ec(ond)?s?)?$", re.IGNORECASE)
NOTE = re.compile(r"\[\[.*?\]\]")
BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Beat:
    """One paragraph of action, or one line of dialogue (with its speaker)."""

    line: int
    text: str
    speaker: str = ""

    @property
    def is_dialogue(self) -> bool:
        return bool(self.speaker)


@dataclass
class ParsedScene:
    heading: str
    line: int
    beats: list[Beat] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    camera: str = ""
    look: str = ""
    forced_duration: int | None = None
    shot_line: int = 0
    # Set by `cast: @a @b` in the shot line: exactly these, whatever the text mentions.
    explicit_cast: list[str] | None = None
    omitted: bool = False
    transition: str = ""
    duration_seconds: int = 0  # filled in by the shot planner
    part: int = 1
    parts: int = 1
    problems: list[Problem] = field(default_factory=list)

    @property
    def action(self) -> str:
        return " ".join(b.text for b in self.beats if not b.is_dialogue).strip()

    @property
    def dialogue(self) -> list[tuple[str, str]]:
        return [(b.speaker, b.text) for b in self.beats if b.is_dialogue]

    @property
    def speakers(self) -> list[str]:
        """Distinct cue names in order of first line."""
        return list(dict.fromkeys(b.speaker for b in self.beats if b.is_dialogue))

    @property
    def last_line(self) -> int:
        return max([self.line, self.shot_line] + [b.line for b in self.beats])

    def add_handles(self, text: str) -> None:
        for handle in (h.lower() for h in HANDLE.findall(text)):
            if handle not in self.handles:
                self.handles.append(handle)


def _blank_out_boneyard(text: str) -> str:
    # Keep the newlines of /* ... */ so line numbers still match the writer's editor.
    return BONEYARD.sub(lambda m: "\n" * m.group().count("\n"), text)


def _heading_of(line: str) -> str | None:
    if HEADING.match(line):
        return line.strip().upper()
    if forced := FORCED_HEADING.match(line):
        return forced.group(1).strip()
    return None


def _read_shot(scene: ParsedScene, text: str, line: int) -> None:
    for match in SHOT.finditer(text):
        scene.shot_line = line
        camera: list[str] = []
        for part in (p.strip() for p in match.group("body").split(",")):
            key, _, value = part.partition(":")
            if duration := DURATION.match(part):
                scene.forced_duration = int(duration.group(1))
            elif key.strip().lower() == "look" and value.strip():
                scene.look = value.strip()
            elif key.strip().lower() == "cast":
                words = value.replace(",", " ").split()
                scene.explicit_cast = [w.lstrip("@").lower() for w in words if w != "none"]
            elif part:
                camera.append(part)
        scene.camera = ", ".join(camera)
    if OMITTED.search(text):
        scene.omitted = True


def _is_cue(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    prev_blank = i == 0 or not lines[i - 1].strip()
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    # A line of notes only (e.g. a shot line) is not dialogue.
    next_text = bool(following) and bool(NOTE.sub("", following).strip())
    has_letters = any(c.isalpha() for c in line)
    if not (prev_blank and next_text and has_letters):
        return False
    return bool(FORCED_CUE.match(line) or (CUE.match(line) and not line.endswith(":")))


def _speaker_of(line: str) -> str:
    if handle := HANDLE_CUE.match(line):
        return "@" + handle.group(1)
    if forced := FORCED_CUE.match(line):
        return forced.group("name").strip()
    return CUE.match(line).group(1).strip()  # type: ignore[union-attr]


def _is_transition(lines: list[str], i: int, line: str) -> str | None:
    if line.startswith(">") and not CENTERED.match(line):
        return FORCED_TRANSITION.match(line).group("text")  # type: ignore[union-attr]
    alone = (i == 0 or not lines[i - 1].strip()) and (
        i + 1 >= len(lines) or not lines[i + 1].strip()
    )
    return line if alone and TRANSITION.match(line) else None


class _Reader:
    """Walks the lines once, keeping who is speaking and the paragraph being read."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.scenes: list[ParsedScene] = []
        self.speaker: str | None = None
        self.paragraph: list[str] = []
        self.paragraph_line = 0

    def end_paragraph(self) -> None:
        if self.paragraph and self.scenes:
            self.scenes[-1].beats.append(Beat(self.paragraph_line, " ".join(self.paragraph)))
        self.paragraph = []

    def read(self, i: int, raw: str) -> None:
        line = raw.strip()
        if not line:
            self.end_paragraph()
            self.speaker = None
            return
        if heading := _heading_of(line):
            self.end_paragraph()
            self.scenes.append(ParsedScene(heading=heading, line=i + 1))
            self.speaker = None
            return
        if not self.scenes or line.startswith(("#", "=")):
            return  # title page, sections, synopses and page breaks carry no scene content
        self.read_in_scene(i, line)

    def read_in_scene(self, i: int, line: str) -> None:
        scene = self.scenes[-1]
        _read_shot(scene, line, i + 1)
        if self.speaker is None and (transition := _is_transition(self.lines, i, line)):
            self.end_paragraph()
            scene.transition = transition
            return
        scene.add_handles(NOTE.sub(" ", line))
        text = " ".join(NOTE.sub(" ", line).split())
        if not text:
            return
        if self.speaker is not None:
            if not (text.startswith("(") and text.endswith(")")):
                scene.beats.append(Beat(i + 1, text, self.speaker))
        elif _is_cue(self.lines, i):
            self.end_paragraph()
            self.speaker = _speaker_of(text)
            if self.speaker.startswith("@"):
                scene.add_handles(self.speaker)
        else:
            if centered := CENTERED.match(text):
                text = centered.group("text")
            text = text[1:].lstrip() if text.startswith("!") else text
            if not self.paragraph:
                self.paragraph_line = i + 1
            self.paragraph.append(text)


def read_scenes(text: str) -> list[ParsedScene]:
    """Split a script into scenes of beats with their @handles and shot notes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _blank_out_boneyard(text).split("\n")
    reader = _Reader(lines)
    for i, raw in enumerate(lines):
        reader.read(i, raw)
    reader.end_paragraph()
    return reader.scenes
