"""The image prompt of a character design: the bible compiled, in a stable order and wording.

The same character, look, angle and note always compile to the same prompt, shown on the
design page before anything is sent.
"""

from __future__ import annotations

from characters.models import Character, Look
from generation.design.models import DesignAngle

ANGLE_WORDS = {
    DesignAngle.FRONT: "Front view: full body, standing, arms relaxed, facing the viewer.",
    DesignAngle.SIDE: "Side view (profile, facing left): full body, standing, arms relaxed.",
    DesignAngle.BACK: "Back view: full body, standing, seen from behind.",
    DesignAngle.TURNAROUND: (
        "Turnaround sheet: the same character four times side by side — front, three-quarter, "
        "side and back — full body, same scale, evenly spaced."
    ),
}
SIZES = {
    DesignAngle.FRONT: (1024, 1536),
    DesignAngle.SIDE: (1024, 1536),
    DesignAngle.BACK: (1024, 1536),
    DesignAngle.TURNAROUND: (1536, 1024),
}
MAX_NOTE_CHARS = 500


def design_prompt(
    character: Character,
    angle: str,
    *,
    look: Look | None = None,
    note: str = "",
    from_front: bool = False,
) -> str:
    """The prompt sent for one angle of the character (and look), with the owner's note."""
    lines = [
        f"Character reference sheet for an animated short drama: {character.name} "
        f"({character.get_kind_display().lower()}).",
        ANGLE_WORDS[DesignAngle(angle)],
        f"Appearance: {' '.join(character.appearance.split())}",
    ]
    if look is not None:
        lines.append(f"Outfit ({look.name}): {' '.join(look.description.split())}")
    if character.style_notes.strip():
        lines.append(f"Style: {' '.join(character.style_notes.split())}")
    if character.negative_notes.strip():
        lines.append(f"Never change: {' '.join(character.negative_notes.split())}")
    if from_front:
        lines.append("Keep exactly the design, colours and proportions of the attached front view.")
    lines.append(
        "Plain light grey background, even studio lighting, no text, no logo, no other "
        "characters, no props."
    )
    if note.strip():
        lines.append(f"Corrections: {' '.join(note.split())[:MAX_NOTE_CHARS]}")
    return "\n".join(lines)
