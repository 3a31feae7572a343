"""Timing: how long a scene plays, and splitting long scenes into shots the model accepts."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from projects.screenplay.parse import Beat, ParsedScene
from projects.screenplay.problems import Problem

DEFAULT_DURATIONS = (4, 8, 12)


@dataclass(frozen=True)
class ShotRules:
    """What the provider a scene goes to accepts in one shot.

    `projects` does not know the providers: the caller (generation, which does) passes the
    provider's rules; the defaults are the common Sora-shaped ones, for scripts checked
    without a provider (tests, the parser on its own).
    """

    durations: tuple[int, ...] = DEFAULT_DURATIONS
    max_characters: int = 2


WORDS_PER_SECOND = 2.5
# Action reads faster than it plays on screen: a third of its words count as spoken time.
ACTION_WORDS_WEIGHT = 1 / 3


def beat_seconds(beat: Beat) -> float:
    """Seconds a beat takes on screen: dialogue at speaking pace, action a third of it."""
    words = len(beat.text.split())
    weight = 1.0 if beat.is_dialogue else ACTION_WORDS_WEIGHT
    return words * weight / WORDS_PER_SECOND


def estimate_seconds(beats: list[Beat]) -> int:
    """The estimated length of a run of beats, with a second to breathe."""
    return math.ceil(sum(beat_seconds(b) for b in beats)) + 1


def snap_duration(seconds: int, allowed: tuple[int, ...]) -> int:
    """The shortest allowed duration that holds `seconds`, else the longest allowed."""
    return next((d for d in sorted(allowed) if d >= seconds), max(allowed))


def _pack(beats: list[Beat], limit: int) -> list[list[Beat]]:
    # Greedy: fill a shot until the next beat would not fit, then start the next shot.
    shots: list[list[Beat]] = [[]]
    for beat in beats:
        if shots[-1] and estimate_seconds([*shots[-1], beat]) > limit:
            shots.append([])
        shots[-1].append(beat)
    return shots


def _shot_of(scene: ParsedScene, beats: list[Beat], part: int, parts: int) -> ParsedScene:
    shot = replace(scene, beats=beats, handles=[], problems=[], part=part, parts=parts)
    shot.line = scene.line if part == 1 else beats[0].line
    for beat in beats:
        shot.add_handles(beat.text)
        if beat.speaker.startswith("@"):
            shot.add_handles(beat.speaker)
    if part == 1:
        shot.problems = list(scene.problems)
    if part < parts:
        shot.transition = ""  # the scene's transition ends its last shot
    return shot


def _forced_duration(scene: ParsedScene, allowed: tuple[int, ...], needed: int) -> int:
    # The writer chose the length: warn only when no allowed shot could hold the scene.
    seconds = scene.forced_duration or 0
    duration = seconds if seconds in allowed else snap_duration(seconds, allowed)
    if seconds not in allowed:
        accepted = ", ".join(f"{d}s" for d in sorted(allowed))
        scene.problems.append(
            Problem(
                scene.shot_line,
                f"{seconds}s is not a duration this model accepts ({accepted}); "
                f"the shot was set to {duration}s.",
                f"Write one of {accepted} in the shot line.",
            )
        )
    if needed > max(allowed):
        scene.problems.append(
            Problem(
                scene.shot_line,
                f"This scene needs about {needed}s, more than the longest shot ({max(allowed)}s).",
                "Remove the duration from the shot line to split it into shots, or shorten it.",
            )
        )
    return duration


def plan_shots(scene: ParsedScene, allowed: tuple[int, ...]) -> list[ParsedScene]:
    """The scene as one or more shots, each with a duration from `allowed`."""
    needed = estimate_seconds(scene.beats)
    if scene.forced_duration is not None:
        scene.duration_seconds = _forced_duration(scene, allowed, needed)
        return [scene]
    longest = max(allowed)
    if needed <= longest or len(scene.beats) < 2:
        scene.duration_seconds = snap_duration(needed, allowed)
        if needed > longest:
            scene.problems.append(_too_long(scene.beats[0], needed, longest))
        return [scene]
    packed = _pack(scene.beats, longest)
    shots = [_shot_of(scene, beats, i, len(packed)) for i, beats in enumerate(packed, start=1)]
    for shot in shots:
        shot.duration_seconds = snap_duration(estimate_seconds(shot.beats), allowed)
        if len(shot.beats) == 1 and estimate_seconds(shot.beats) > longest:
            shot.problems.append(_too_long(shot.beats[0], estimate_seconds(shot.beats), longest))
    return shots


def _too_long(beat: Beat, needed: int, longest: int) -> Problem:
    return Problem(
        beat.line,
        f"This passage alone takes about {needed}s, longer than the longest shot ({longest}s).",
        "Shorten it, or break it into two paragraphs or dialogue lines.",
    )
