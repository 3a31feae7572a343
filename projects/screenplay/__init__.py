"""Our Fountain subset: read a script into scenes, plan their shots, write scenes back.

See docs/script-format.md for the format and why it is our own parser.
"""

from __future__ import annotations

from projects.screenplay.parse import Beat, ParsedScene, read_scenes
from projects.screenplay.problems import Problem
from projects.screenplay.shots import DEFAULT_DURATIONS, ShotRules, snap_duration
from projects.screenplay.shots import plan_shots as _plan_shots
from projects.screenplay.write import SceneText, title_page_of, write_script

__all__ = [
    "DEFAULT_DURATIONS",
    "Beat",
    "ParsedScene",
    "Problem",
    "SceneText",
    "ShotRules",
    "parse_script",
    "snap_duration",
    "title_page_of",
    "write_script",
]


def _empty_scene(scene: ParsedScene) -> Problem:
    return Problem(
        scene.line,
        f"The scene “{scene.heading}” has no action or dialogue.",
        "Write what happens in it, or delete its heading.",
    )


def parse_script(text: str, allowed: tuple[int, ...] = DEFAULT_DURATIONS) -> list[ParsedScene]:
    """Scenes in order, long ones split into shots whose durations are all in `allowed`."""
    shots: list[ParsedScene] = []
    for scene in read_scenes(text):
        if not scene.beats:
            scene.problems.append(_empty_scene(scene))
        shots.extend(_plan_shots(scene, allowed))
    return shots
