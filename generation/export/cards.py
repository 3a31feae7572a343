"""Optional title and end cards: the project, episode number and title before the first
scene; the studio and the members who worked on the episode after the last."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from generation.export.picture import Card
from generation.models import Take
from projects.models import Episode, ScriptVersion

CARD_SECONDS = (0, 2, 3, 5)  # 0: no card


def _display_name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def credited_names(episode: Episode) -> list[str]:
    """Who worked on the episode: the script's writers and whoever asked for its takes."""
    ids = set(
        ScriptVersion.objects.filter(episode=episode, created_by__isnull=False).values_list(
            "created_by", flat=True
        )
    )
    ids |= set(Take.objects.filter(scene__episode=episode).values_list("requested_by", flat=True))
    users = get_user_model().objects.filter(pk__in=ids)
    return sorted({_display_name(user) for user in users}, key=str.casefold)


def card_options(episode: Episode, *, title_seconds: int, end_seconds: int) -> dict[str, Any]:
    """What the cards say, fixed when the export is asked for (part of its options)."""
    options: dict[str, Any] = {}
    if title_seconds:
        options["title_card"] = {
            "seconds": title_seconds,
            "lines": [episode.project.name, f"Episode {episode.number}", episode.title],
        }
    if end_seconds:
        credits = ["Made by", episode.project.studio.name, *credited_names(episode)]
        options["end_card"] = {"seconds": end_seconds, "lines": credits}
    return options


def cards_of(options: dict[str, Any]) -> tuple[Card | None, Card | None]:
    """The export's title and end card, if it has them."""
    title, end = options.get("title_card"), options.get("end_card")
    return (
        Card("Title", tuple(title["lines"]), int(title["seconds"])) if title else None,
        Card("Credits", tuple(end["lines"]), int(end["seconds"])) if end else None,
    )
