"""Prompt compilation: the exact text sent for a scene, stable byte for byte."""

from __future__ import annotations

from generation.providers.base import VideoRequest
from projects.models import Scene


def compile_prompt(scene: Scene) -> str:
    """Style lock, scene, camera, the cast's bibles and dialogue, in a fixed order."""
    project = scene.episode.project
    parts = []
    if project.style_lock.strip():
        parts.append(f"Style: {project.style_lock.strip()}")
    parts.append(f"Scene: {scene.heading}.")
    if scene.action:
        parts.append(scene.action)
    if scene.camera:
        parts.append(f"Camera: {scene.camera}.")
    for character in sorted(scene.cast.all(), key=lambda c: c.handle):
        parts.append(f"{character.name}: {character.appearance.strip()}")
    for line in scene.dialogue:
        parts.append(f'{line["speaker"]} says: "{line["line"]}"')
    return "\n".join(parts)


def build_request(
    scene: Scene, *, prompt: str, width: int, height: int, duration: int
) -> VideoRequest:
    """The provider request for a scene, with the prompt that was compiled at request time."""
    return VideoRequest(
        prompt=prompt,
        duration_seconds=duration,
        width=width,
        height=height,
        heading=scene.heading,
        action=scene.action,
        dialogue=tuple((d["speaker"], d["line"]) for d in scene.dialogue),
        cast=tuple(c.name for c in sorted(scene.cast.all(), key=lambda c: c.handle)),
    )
