"""Warnings about a compiled prompt, shown in the preview before anything is sent.

A contradiction is a colour word before a garment word in the scene's own text
("blue scarf") while the character's bible for that look gives the same garment another
colour ("red scarf"). The word lists are short on purpose: a warning that fires on
everything is ignored.
"""

from __future__ import annotations

import re

from generation.prompts import CompiledPrompt, appearance_for, cast_of, look_of, shape_of
from projects.models import Scene

COLOURS = (
    "black white grey gray red orange yellow green blue purple violet pink brown beige "
    "gold golden silver navy teal crimson maroon turquoise cyan magenta"
).split()
GARMENTS = (
    "scarf scarves hat hats cap caps hood coat coats jacket jackets shirt shirts t-shirt "
    "blouse sweater sweaters jumper hoodie dress dresses skirt skirts trousers pants jeans "
    "shorts shoes boots sneakers socks gloves mittens tie bow ribbon belt cape cloak apron "
    "uniform vest collar glasses backpack bag umbrella kimono robe overalls"
).split()
# "red scarf", "red wool scarf": a colour, at most one word, a garment.
_COLOUR = "|".join(COLOURS)
_GARMENT = "|".join(map(re.escape, GARMENTS))
_PAIR = re.compile(rf"\b({_COLOUR})\s+(?:[a-z-]+\s+)?({_GARMENT})\b", re.IGNORECASE)


def colour_garments(text: str) -> dict[str, str]:
    """Garment → colour for each "colour [word] garment" in the text (last one wins)."""
    return {m.group(2).lower(): m.group(1).lower() for m in _PAIR.finditer(text)}


def _contradictions(scene: Scene) -> list[str]:
    said = colour_garments(f"{scene.action}\n{scene.camera}")
    warnings = []
    for character in cast_of(scene):
        bible = colour_garments(appearance_for(character, look_of(character, scene.look)))
        for garment, colour in sorted(said.items()):
            if garment in bible and bible[garment] != colour:
                warnings.append(
                    f'The scene says "{colour} {garment}" but {character.name}\'s bible says '
                    f'"{bible[garment]} {garment}": change the action or choose another look.'
                )
    return warnings


def face_refusal(compiled: CompiledPrompt) -> str:
    """Why the provider would refuse this scene's cast for a human face; empty if it would not."""
    if not (compiled.faces and shape_of(compiled.provider).rejects_faces):
        return ""
    names = ", ".join(compiled.faces)
    return (
        f"{names}: a reference image shows a human face, and this provider rejects human "
        "faces. Use a drawn or stylised reference, or another provider."
    )


def prompt_warnings(scene: Scene, compiled: CompiledPrompt) -> list[str]:
    """Everything a writer should fix before generating, in a fixed order."""
    warnings = _contradictions(scene)
    refusal = face_refusal(compiled)
    if refusal:
        warnings.append(refusal)
    limit = shape_of(compiled.provider).max_prompt_chars
    if limit and len(compiled.text) > limit:
        warnings.append(
            f"The prompt is {len(compiled.text)} characters; this provider takes at most "
            f"{limit}. Shorten the action or the bibles."
        )
    return warnings
