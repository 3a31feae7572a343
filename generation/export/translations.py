"""Translations of an episode's dialogue: who may enter them, which languages an episode
has, the lines of one language, and what an export gets of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import langcodes

from generation.export.models import DialogueTranslation
from projects.models import Episode, Membership, Role, Scene


class LanguageError(ValueError):
    """Not a language tag a subtitle track can carry; the message says what to type."""


def may_translate(membership: Membership) -> bool:
    """Writers, producers and owners enter translations; every member may read them."""
    return membership.role in {Role.OWNER, Role.PRODUCER, Role.WRITER}


def language_tag(raw: str) -> str:
    """The standard form of a BCP 47 tag ("pt-br" -> "pt-BR") that has an ISO 639-2 code."""
    text = raw.strip()
    try:
        tag = langcodes.standardize_tag(text)
        langcodes.Language.get(tag).to_alpha3()
    except (ValueError, LookupError):
        raise LanguageError(
            f"“{text[:40]}” is not a language tag: use a code such as es, fr or pt-BR."
        ) from None
    if tag == "und":
        raise LanguageError("Name the language: use a code such as es, fr or pt-BR.")
    return str(tag)


def language_name(tag: str) -> str:
    return str(langcodes.Language.get(tag).display_name())


def mp4_language(tag: str) -> str:
    """The three-letter ISO 639-2 code an MP4 track's language is written in."""
    return str(langcodes.Language.get(tag).to_alpha3())


def episode_languages(episode: Episode) -> list[str]:
    """The languages the episode has translations in."""
    tags = DialogueTranslation.objects.filter(scene__episode=episode).values_list(
        "language", flat=True
    )
    return sorted(set(tags))


@dataclass(frozen=True)
class LineRow:
    scene: Scene
    index: int
    speaker: str
    line: str
    translation: str
    outdated: bool  # the line changed since it was translated

    @property
    def field(self) -> str:
        return f"line-{self.scene.pk}-{self.index}"


def _scenes(episode: Episode) -> list[Scene]:
    return list(episode.scenes.filter(omitted=False, archived_at__isnull=True).order_by("position"))


def lines(episode: Episode, language: str) -> list[LineRow]:
    """Every dialogue line of the episode with its translation into `language`."""
    scenes = _scenes(episode)
    saved = {
        (t.scene_id, t.line_index): t
        for t in DialogueTranslation.objects.filter(scene__in=scenes, language=language)
    }
    rows = []
    for scene in scenes:
        for index, entry in enumerate(scene.dialogue or []):
            line = str(entry.get("line", "")).strip()
            if not line:
                continue
            done = saved.get((scene.pk, index))
            rows.append(
                LineRow(
                    scene=scene,
                    index=index,
                    speaker=str(entry.get("speaker", "")),
                    line=line,
                    translation=done.text if done else "",
                    outdated=done is not None and done.source != line,
                )  # fmt: skip
            )
    return rows


def save_translations(
    *, episode: Episode, language: str, entries: dict[str, str], user: Any
) -> int:
    """Store the typed translations (by field name); an emptied one is removed. Returns how
    many lines changed."""
    changed = 0
    for row in lines(episode, language):
        if row.field not in entries:
            continue
        text = entries[row.field].strip()[:2000]
        if text == row.translation and not row.outdated:
            continue
        where: dict[str, Any] = {"scene": row.scene, "line_index": row.index, "language": language}
        if text:
            DialogueTranslation.objects.update_or_create(
                **where, defaults={"text": text, "source": row.line, "updated_by": user}
            )
        else:
            DialogueTranslation.objects.filter(**where).delete()
        changed += 1
    return changed


def dialogue_with_translations(scene: Scene) -> list[dict[str, Any]]:
    """The scene's dialogue, each line with the translations that still match it
    (`translations` prefetched): what an export records and subtitles."""
    current: dict[int, dict[str, DialogueTranslation]] = {}
    for t in scene.translations.all():  # type: ignore[attr-defined]
        current.setdefault(t.line_index, {})[t.language] = t
    result = []
    for index, entry in enumerate(scene.dialogue or []):
        line = str(entry.get("line", "")).strip()
        texts = {lang: t.text for lang, t in current.get(index, {}).items() if t.source == line}
        result.append(dict(entry) | ({"translations": texts} if texts else {}))
    return result
