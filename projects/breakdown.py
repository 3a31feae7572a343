"""Breakdown: compare a script with the storyboard, show what would change, then apply it.

Scenes are matched by content, not position: a scene whose heading, action and dialogue
are unchanged is kept wherever it moved; an edited one is paired with the most similar
unmatched scene and kept as "changed" (its takes stay, marked out of date).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from characters.models import Character
from projects.models import Episode, Scene
from projects.screenplay import ParsedScene, Problem, ShotRules, parse_script

DEFAULT_RULES = ShotRules()

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SIMILAR_ENOUGH = 0.6  # below this, an edit reads as one scene removed and another added

SceneKey = tuple[str, str, tuple[tuple[str, str], ...]]


def key_of_parsed(parsed: ParsedScene) -> SceneKey:
    return (parsed.heading, parsed.action, tuple(parsed.dialogue))


def key_of_scene(scene: Scene) -> SceneKey:
    return (scene.heading, scene.action, tuple((d["speaker"], d["line"]) for d in scene.dialogue))


@dataclass
class PlannedScene:
    parsed: ParsedScene
    cast: list[Character]
    scene: Scene | None = None  # the storyboard scene it keeps, None when new
    changed: bool = False

    @property
    def kind(self) -> str:
        return "new" if self.scene is None else "changed" if self.changed else "kept"


@dataclass
class BreakdownPlan:
    """What applying a script would do, computed without writing anything."""

    text: str
    base: str  # the episode's script when planned: any storyboard edit since changes it
    items: list[PlannedScene]
    removed: list[Scene]
    problems: list[Problem] = field(default_factory=list)
    # Counted when planned: applying deletes removed scenes without takes, which can then
    # no longer be asked for their takes.
    removed_takes: int = 0
    removed_approvals: int = 0

    def of_kind(self, kind: str) -> list[PlannedScene]:
        return [item for item in self.items if item.kind == kind]

    @property
    def refusal(self) -> str:
        """Why this script cannot be applied at all (it has no scene); empty when it can."""
        if self.items:
            return ""
        if not self.text.strip():
            return (
                "The script is empty: write at least one scene, starting with a heading such "
                "as INT. KITCHEN - DAY. Nothing was applied."
            )
        return (
            "No scene heading found: each scene starts with a heading such as "
            "INT. KITCHEN - DAY, EXT. ROOF - NIGHT or a line starting with a dot. "
            "Nothing was applied."
        )

    @property
    def summary(self) -> str:
        """E.g. "3 new, 1 changed, 2 removed: the removed ones have 4 takes and 1 approval"."""
        new, changed, kept = (len(self.of_kind(k)) for k in ("new", "changed", "kept"))
        text = f"{new} new, {changed} changed, {len(self.removed)} removed, {kept} unchanged"
        if self.removed_takes:
            takes, approvals = self.removed_takes, self.removed_approvals
            text += (
                f": the removed ones have {takes} take{'s' * (takes != 1)} and "
                f"{approvals} approval{'s' * (approvals != 1)} (archived, not deleted)"
            )
        return text

    @property
    def fingerprint(self) -> str:
        """Identifies this exact plan, so a confirmation applies what the writer saw."""
        parts = [self.text, self.base] + [
            f"{i.kind}:{i.scene.pk if i.scene else ''}" for i in self.items
        ]
        parts += [f"removed:{s.pk}" for s in self.removed]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _resolve_cast(
    parsed: list[ParsedScene], user: User
) -> tuple[dict[str, Character], list[Problem]]:
    handles = {h for s in parsed for h in s.handles + (s.explicit_cast or [])}
    visible = {c.handle: c for c in Character.objects.visible_to(user).filter(handle__in=handles)}
    problems = []
    for scene in parsed:
        for handle in dict.fromkeys(scene.handles + (scene.explicit_cast or [])):
            if handle not in visible:
                # Same words whether the character does not exist or is hidden from this user.
                line = _line_mentioning(scene, handle)
                problems.append(
                    Problem(
                        line,
                        f"no character @{handle} that you can use.",
                        "Check the spelling, or ask its owner to share it with you.",
                    )
                )
    return visible, problems


def _line_mentioning(scene: ParsedScene, handle: str) -> int:
    for beat in scene.beats:
        if f"@{handle}" in f"{beat.speaker} {beat.text}".lower():
            return beat.line
    return scene.shot_line or scene.line


def _cast_of(
    scene: ParsedScene, visible: dict[str, Character], by_name: dict[str, Character]
) -> list[Character]:
    if scene.explicit_cast is not None:
        return [visible[h] for h in scene.explicit_cast if h in visible]
    cast = [visible[h] for h in scene.handles if h in visible]
    for speaker in scene.speakers:
        character = by_name.get(speaker.upper())
        if character and character not in cast:
            cast.append(character)
    return cast


def _too_many_people(scene: ParsedScene, cast: list[Character], limit: int) -> Problem | None:
    # Each person with the words that name them: @handle and display name, or the cue.
    people = {f"@{c.handle}": {f"@{c.handle}".upper(), c.name.upper()} for c in cast}
    known = set().union(*people.values()) if people else set()
    for speaker in scene.speakers:
        if speaker.upper() not in known:
            people[speaker] = {speaker.upper()}
    if len(people) <= limit:
        return None
    return Problem(
        scene.line,
        f"{len(people)} characters in one shot ({', '.join(people)}); "
        f"this video model takes at most {limit}.",
        f"Split the scene: start a new scene before line {_line_of_third(scene, people, limit)}.",
    )


def _line_of_third(scene: ParsedScene, people: dict[str, set[str]], limit: int) -> int:
    seen: set[str] = set()
    for beat in scene.beats:
        text = f"{beat.speaker} {beat.text}".upper()
        seen |= {p for p, names in people.items() if any(n in text for n in names)}
        if len(seen) > limit:
            return beat.line
    return scene.beats[-1].line if scene.beats else scene.line


def _text_of(heading: str, action: str, dialogue: list[tuple[str, str]]) -> str:
    return "\n".join([heading, action] + [f"{speaker}: {line}" for speaker, line in dialogue])


def _similarity(parsed: ParsedScene, scene: Scene) -> float:
    # The heading counts as text too: fixing a typo in it is an edit, not a new scene.
    new = _text_of(parsed.heading, parsed.action, parsed.dialogue)
    old_dialogue = [(d["speaker"], d["line"]) for d in scene.dialogue]
    return SequenceMatcher(None, new, _text_of(scene.heading, scene.action, old_dialogue)).ratio()


def _settings_differ(item: PlannedScene) -> bool:
    scene, parsed = item.scene, item.parsed
    assert scene is not None
    return (scene.duration_seconds, scene.camera, scene.look, sorted(scene.cast_handles)) != (
        parsed.duration_seconds,
        parsed.camera,
        parsed.look,
        sorted(c.handle for c in item.cast),
    )


def _match(items: list[PlannedScene], existing: list[Scene]) -> list[Scene]:
    by_key: dict[SceneKey, list[Scene]] = {}
    for scene in existing:
        by_key.setdefault(key_of_scene(scene), []).append(scene)
    for item in items:  # first the exact matches, wherever they moved
        if same := by_key.get(key_of_parsed(item.parsed)):
            item.scene = same.pop(0)
            item.changed = _settings_differ(item)
    taken = {i.scene.pk for i in items if i.scene is not None}
    unmatched = [s for s in existing if s.pk not in taken]
    for item in (i for i in items if i.scene is None):  # then edits, by similarity
        best = max(unmatched, key=lambda s: _similarity(item.parsed, s), default=None)
        if best is not None and _similarity(item.parsed, best) >= SIMILAR_ENOUGH:
            item.scene, item.changed = best, True
            unmatched.remove(best)
    return unmatched


def plan_breakdown(
    *, episode: Episode, text: str, user: User, rules: ShotRules = DEFAULT_RULES
) -> BreakdownPlan:
    """What saving `text` as the episode's script would change; writes nothing.

    `rules` are the project's provider's (durations, characters per shot): the caller in
    `generation` passes them.
    """
    parsed = parse_script(text, rules.durations)
    visible, problems = _resolve_cast(parsed, user)
    # A cue such as FLUFFY casts the character of that display name when the script's text
    # mentions it by @handle somewhere (a `cast:` list alone does not make cues cast).
    mentioned = {h for p in parsed for h in p.handles}
    by_name = {c.name.upper(): c for h, c in visible.items() if h in mentioned}
    items = [PlannedScene(parsed=p, cast=_cast_of(p, visible, by_name)) for p in parsed]
    for item in items:
        problems += item.parsed.problems
        if crowded := _too_many_people(item.parsed, item.cast, rules.max_characters):
            problems.append(crowded)
    existing = list(
        Scene.objects.filter(episode=episode, archived_at__isnull=True)
        .order_by("position")
        .prefetch_related("takes", "cast")
    )
    removed = _match(items, existing)
    problems.sort(key=lambda p: p.line)
    removed_takes = [t for s in removed for t in s.takes.all()]  # type: ignore[attr-defined]
    return BreakdownPlan(
        text=text,
        base=episode.script,
        items=items,
        removed=removed,
        problems=problems,
        removed_takes=len(removed_takes),
        removed_approvals=sum(1 for t in removed_takes if t.review_status == "approved"),
    )
