"""Episodes created, renamed, reordered and archived; projects archived and restored."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from projects.models import Episode, Project


class OrganizeRefused(Exception):
    """The action cannot be done as asked; the message says why (shown to the user)."""


def _number_taken(project: Project, number: int, exclude: int = 0) -> bool:
    return project.episodes.filter(number=number).exclude(pk=exclude).exists()


def next_episode_number(project: Project) -> int:
    """The number a new episode gets when the user names none."""
    return (project.episodes.aggregate(n=Max("number"))["n"] or 0) + 1


def create_episode(*, project: Project, number: int, title: str) -> Episode:
    """A new, empty episode; refused when the number is taken (nothing is created)."""
    if _number_taken(project, number):
        raise OrganizeRefused(f"Episode {number} already exists in {project.name}: pick another.")
    try:
        with transaction.atomic():
            return Episode.objects.create(project=project, number=number, title=title.strip())
    except IntegrityError as exc:  # another user took the number in the meantime
        raise OrganizeRefused(f"Episode {number} already exists in {project.name}.") from exc


def rename_episode(*, episode: Episode, number: int, title: str) -> Episode:
    """Change an episode's number and title; refused when the number is taken."""
    if _number_taken(episode.project, number, exclude=episode.pk):
        raise OrganizeRefused(f"Episode {number} already exists: pick another number.")
    episode.number, episode.title = number, title.strip()
    try:
        with transaction.atomic():
            episode.save(update_fields=["number", "title"])
    except IntegrityError as exc:
        raise OrganizeRefused(f"Episode {number} already exists: pick another number.") from exc
    return episode


def move_episode(*, episode: Episode, direction: str) -> None:
    """Swap the episode's number with its neighbour's (up: earlier, down: later)."""
    siblings = episode.project.episodes.active()  # type: ignore[attr-defined]
    if direction == "up":
        neighbour = siblings.filter(number__lt=episode.number).order_by("-number").first()
    else:
        neighbour = siblings.filter(number__gt=episode.number).order_by("number").first()
    if neighbour is None:
        raise OrganizeRefused("This episode is already at that end of the list.")
    with transaction.atomic():
        mine, theirs = episode.number, neighbour.number
        parking = next_episode_number(episode.project) + 1  # free while the two swap
        Episode.objects.filter(pk=episode.pk).update(number=parking)
        Episode.objects.filter(pk=neighbour.pk).update(number=mine)
        Episode.objects.filter(pk=episode.pk).update(number=theirs)
    episode.number = theirs


def set_episode_archived(*, episode: Episode, archived: bool) -> None:
    """Archive an episode (it leaves the project's list, nothing is deleted) or bring it back."""
    episode.archived_at = timezone.now() if archived else None
    episode.save(update_fields=["archived_at"])


def set_project_archived(*, project: Project, archived: bool) -> None:
    """Archive a project (read-only, hidden from home) or restore it."""
    project.archived_at = timezone.now() if archived else None
    project.save(update_fields=["archived_at"])
