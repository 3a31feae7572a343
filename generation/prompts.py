"""Prompt compilation: the one function that turns a scene into what a provider receives.

`compile_scene` is deterministic: the same scene (text, cast, looks, references) gives
the same prompt byte for byte, because every part comes in a fixed order with fixed
wording and the cast is sorted by handle. Each provider's module declares its prompt
shape (docs/providers.md, "Prompt compilation").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from generation.providers import get_provider_class
from generation.providers.base import PromptShape, VideoRequest
from projects.models import Scene

if TYPE_CHECKING:
    from characters.models import Character, Look, ReferenceImage
    from generation.credentials import ProviderCredential


def shape_of(provider: str) -> PromptShape:
    """The prompt shape the provider's module declares."""
    return get_provider_class(provider).prompt_shape


@dataclass(frozen=True)
class Reference:
    """A reference image as sent: which character it shows, bound by name."""

    number: int
    name: str
    label: str
    file: str  # its storage name: the provider call reads a local copy (stored_files)
    has_face: bool


@dataclass(frozen=True)
class CompiledPrompt:
    provider: str
    text: str
    negative: str = ""
    # (name, provider character id), in the order they are named in the text.
    character_ids: tuple[tuple[str, str], ...] = ()
    references: tuple[Reference, ...] = ()
    # Cast members whose references show a human face (refused where the provider rejects faces).
    faces: tuple[str, ...] = ()
    # (name, image's storage name): a portrait per cast member, for providers that draw them.
    portraits: tuple[tuple[str, str], ...] = ()


def cast_of(scene: Scene) -> list[Character]:
    """The scene's cast in prompt order (by handle, so the order never depends on the query)."""
    return sorted(scene.cast.all(), key=lambda c: c.handle)


def look_of(character: Character, look_name: str) -> Look | None:
    """The character's look named by the scene (case and spacing ignored), if it has one."""
    wanted = " ".join(look_name.split()).casefold()
    if not wanted:
        return None
    for look in character.looks.all():
        if " ".join(look.name.split()).casefold() == wanted:
            return look
    return None


def appearance_for(character: Character, look: Look | None) -> str:
    """The bible for this scene, word for word: base appearance, then the look's description."""
    parts = [character.appearance.strip()]
    if look is not None and look.description.strip():
        parts.append(look.description.strip())
    return " ".join(p for p in parts if p)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?\"'" else f"{text}."


def bible_lines(character: Character, look: Look | None) -> list[str]:
    """The character's bible as sent: appearance, then the look and the style notes, each
    its own sentence, word for word."""
    first = f"{character.name}: {_sentence(character.appearance)}".rstrip()
    if look is not None and look.description.strip():
        first += f' Look "{look.name}": {_sentence(look.description)}'
    if character.style_notes.strip():
        first += f" Drawn as: {_sentence(character.style_notes)}"
    return [first]


_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]+)")
SOMEONE = "someone"


def names_of(cast: list[Character]) -> dict[str, str]:
    """Each cast member's @handle (lower case) to the name the prompt calls them by."""
    return {c.handle.lower(): c.name for c in cast}


def written_as_names(text: str, names: dict[str, str]) -> str:
    """`@handle` mentions written as the cast member's name; any other handle (unknown or
    hidden from the requester) as "someone", so no handle ever reaches a provider."""
    return _HANDLE.sub(lambda m: names.get(m.group(1).lower(), SOMEONE), text)


def speaker_name(cue: str, cast: list[Character]) -> str:
    """How a dialogue line names its speaker: the cast member's name for their @handle or
    cue (MIA → Mia), else the cue as written; an unknown @handle is "Someone"."""
    cue = cue.strip()
    if cue.startswith("@"):
        return names_of(cast).get(cue[1:].lower(), SOMEONE).capitalize()
    by_cue = {c.name.upper(): c.name for c in cast}
    return by_cue.get(cue.upper(), cue)


def _references_of(character: Character, look: Look | None) -> list[ReferenceImage]:
    # The look's own images first, then the base ones; within each, front before side.
    images = list(character.references.all())
    own = [r for r in images if look is not None and r.look_id == look.pk]
    base = [r for r in images if r.look_id is None]
    order = {"front": 0, "side": 1, "back": 2, "extra": 3}
    return sorted(own, key=lambda r: (order[r.angle], r.pk)) + sorted(
        base, key=lambda r: (order[r.angle], r.pk)
    )


def _pick_references(
    cast: list[Character], looks: dict[int, Look | None], limit: int
) -> list[Reference]:
    # Round robin over the cast, so each member gets one image before anyone gets two.
    queues = [(c, _references_of(c, looks[c.pk])) for c in cast]
    picked: list[Reference] = []
    depth = 0
    while len(picked) < limit and any(depth < len(q) for _, q in queues):
        for character, queue in queues:
            if depth < len(queue) and len(picked) < limit:
                image = queue[depth]
                look = looks[character.pk] if image.look_id else None
                label = image.get_angle_display().lower() + (f", {look.name}" if look else "")
                picked.append(
                    Reference(
                        len(picked) + 1,
                        character.name,
                        label,
                        image.image.name or "",
                        image.has_face,
                    )
                )
        depth += 1
    return picked


def _negative(cast: list[Character]) -> str:
    notes = [f"{c.name}: {c.negative_notes.strip()}" for c in cast if c.negative_notes.strip()]
    return "; ".join(notes)


def compile_scene(
    scene: Scene, *, provider: str, credential: ProviderCredential | None = None
) -> CompiledPrompt:
    """Everything sent for a scene: text, negative notes, character ids, references."""
    shape = shape_of(provider)
    project = scene.episode.project
    cast = cast_of(scene)
    looks = {c.pk: look_of(c, scene.look) for c in cast}
    lines = []
    if project.style_lock.strip():
        lines.append(f"Style: {project.style_lock.strip()}")
    names = names_of(cast)
    lines.append(f"Scene: {scene.heading}.")
    if scene.action.strip():
        lines.append(written_as_names(scene.action.strip(), names))
    if scene.camera.strip():
        lines.append(f"Camera: {scene.camera.strip()}.")
    for character in cast:
        lines.extend(bible_lines(character, looks[character.pk]))
    references = _pick_references(cast, looks, shape.max_references)
    if references:
        bound = "; ".join(f"image {r.number} shows {r.name} ({r.label})" for r in references)
        lines.append(f"Reference images: {bound}.")
    if shape.makes_audio:
        lines.extend(_spoken(line, cast, names) for line in scene.dialogue)
    negative = _negative(cast)
    if negative and not shape.negative_field:
        lines.append(f"Avoid: {negative}")
    faces = tuple(c.name for c in cast if any(r.has_face for r in c.references.all()))
    portraits = (
        tuple((r.name, r.file) for r in _pick_references(cast, looks, len(cast)))
        if shape.draws_portraits
        else ()
    )
    return CompiledPrompt(
        provider=provider,
        text="\n".join(lines),
        negative=negative if shape.negative_field else "",
        character_ids=_character_ids(cast, credential) if shape.takes_characters else (),
        references=tuple(references),
        faces=faces,
        portraits=portraits,
    )


def _spoken(line: dict[str, str], cast: list[Character], names: dict[str, str]) -> str:
    said = written_as_names(str(line.get("line", "")), names)
    return f'{speaker_name(str(line.get("speaker", "")), cast)} says: "{said}"'


def _character_ids(
    cast: list[Character], credential: ProviderCredential | None
) -> tuple[tuple[str, str], ...]:
    if credential is None:
        return ()
    registered = {
        r.character_id: r.provider_character_id
        for r in credential.characters.filter(  # type: ignore[attr-defined]
            character__in=cast, status="registered"
        )
    }
    return tuple((c.name, registered[c.pk]) for c in cast if c.pk in registered)


def compile_prompt(scene: Scene, *, provider: str | None = None) -> str:
    """The prompt text for a scene on a provider (the scene's own by default)."""
    return compile_scene(scene, provider=provider or scene.effective_provider).text


def build_request(
    scene: Scene,
    *,
    prompt: str,
    width: int,
    height: int,
    duration: int,
    compiled: CompiledPrompt | None = None,
) -> VideoRequest:
    """The provider request for a scene, with the prompt that was compiled at request time.

    Its action and dialogue (the animatic draws them) name characters as the prompt does.
    """
    cast = cast_of(scene)
    names = names_of(cast)
    request = VideoRequest(
        prompt=prompt,
        duration_seconds=duration,
        width=width,
        height=height,
        heading=scene.heading,
        action=written_as_names(scene.action, names),
        dialogue=tuple(
            (speaker_name(d["speaker"], cast), written_as_names(d["line"], names))
            for d in scene.dialogue
        ),
        cast=tuple(c.name for c in cast),
        camera=scene.camera,
    )
    if compiled is None:
        return request
    return replace(
        request,
        character_ids=tuple(cid for _, cid in compiled.character_ids),
        reference_images=tuple(r.file for r in compiled.references),
        negative_prompt=compiled.negative,
        portraits=compiled.portraits,
    )
