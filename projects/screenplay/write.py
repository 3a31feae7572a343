"""Writing the storyboard back as a script, so the script stays the one source of scenes.

`parse_script(write_script(...))` gives back the same headings, action, dialogue, shot
settings and explicit casts: edits on the storyboard survive the next breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projects.screenplay.parse import CUE, HANDLE_CUE, HEADING, TRANSITION, _heading_of


@dataclass
class SceneText:
    heading: str
    action: str = ""
    dialogue: list[tuple[str, str]] = field(default_factory=list)
    duration_seconds: int = 0
    camera: str = ""
    look: str = ""
    explicit_cast: list[str] | None = None
    omitted: bool = False
    transition: str = ""


def title_page_of(script: str) -> str:
    """Everything before the first scene heading (title page, notes), kept as written."""
    lines = script.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if _heading_of(line.strip()):
            return "\n".join(lines[:i]).rstrip() + ("\n\n" if i else "")
    return script.rstrip() + "\n\n" if script.strip() else ""


def _heading_line(heading: str) -> str:
    return heading if HEADING.match(heading) else f".{heading}"


def _shot_line(scene: SceneText) -> str:
    parts = [f"{scene.duration_seconds}s"] if scene.duration_seconds else []
    parts += [scene.camera] if scene.camera else []
    parts += [f"look: {scene.look}"] if scene.look else []
    if scene.explicit_cast is not None:
        parts.append("cast: " + (" ".join(f"@{h}" for h in scene.explicit_cast) or "none"))
    return f"[[shot: {', '.join(parts)}]]" if parts else ""


def _action_line(action: str) -> str:
    # Force as action ("!") whatever would otherwise read as a heading or transition.
    special = action.startswith(("!", ".", "#", "=", ">", "@", "[[", "~"))
    if special or HEADING.match(action) or TRANSITION.match(action):
        return f"!{action}"
    return action


def _cue_line(speaker: str) -> str:
    if HANDLE_CUE.match(speaker) or (CUE.match(speaker) and speaker == speaker.upper()):
        return speaker
    return f"@{speaker.lstrip('@')}"


def _dialogue_blocks(dialogue: list[tuple[str, str]]) -> list[str]:
    blocks: list[list[str]] = []
    previous = None
    for speaker, line in dialogue:
        if speaker != previous:
            blocks.append([_cue_line(speaker)])
            previous = speaker
        blocks[-1].append(line)
    return ["\n".join(block) for block in blocks]


def _scene_block(scene: SceneText) -> str:
    paragraphs = [_heading_line(scene.heading)]
    if shot := _shot_line(scene):
        paragraphs.append(shot + ("\n[[omitted]]" if scene.omitted else ""))
    elif scene.omitted:
        paragraphs.append("[[omitted]]")
    if scene.action:
        paragraphs.append(_action_line(scene.action))
    paragraphs += _dialogue_blocks(scene.dialogue)
    if scene.transition:
        forced = not TRANSITION.match(scene.transition)
        paragraphs.append(f"> {scene.transition}" if forced else scene.transition)
    return "\n\n".join(paragraphs) + "\n"


def write_script(title_page: str, scenes: list[SceneText]) -> str:
    """A script in our format for these scenes, after the given title page."""
    return title_page + "\n".join(_scene_block(scene) for scene in scenes)
