"""Creating a project and saving its one settings page (projects' fields and generation's)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from generation.accounts import save_generation_settings
from generation.services import GenerationRefused
from projects.activity import changed_fields, record_activity
from projects.live import close_user_sockets
from projects.models import Project, Role, Studio
from projects.team_models import ActivityVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PROJECT_FIELDS = ("name", "logline", "aspect_ratio", "style_lock", "retake_cap")


def _close_sockets_outside(project: Project, team_ids: set[int]) -> None:
    # Members the new team leaves out lose the project at once, open sockets included
    # (a socket of someone still on the team reconnects and is let in again).
    outside = project.studio.memberships.exclude(role=Role.OWNER).exclude(user_id__in=team_ids)
    for user_id in outside.values_list("user_id", flat=True):
        close_user_sockets(user_id=user_id, studio_id=project.studio_id)


def _save(project: Project, data: dict[str, Any], team: list[User], actor: User | None) -> None:
    """Save the form's values; with an `actor`, what changed goes into the activity log."""
    existing = project.pk is not None
    before = {field: getattr(project, field) for field in PROJECT_FIELDS}
    team_before = sorted(u.username for u in project.team.all()) if existing else []
    for field in PROJECT_FIELDS:
        setattr(project, field, data[field])
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:  # the name was taken in the meantime
        raise GenerationRefused(
            f"{project.studio.name} already has a project of that name."
        ) from exc
    project.team.set(team)
    team_after = sorted(u.username for u in team)
    if actor is not None and existing:
        after = {field: getattr(project, field) for field in PROJECT_FIELDS}
        if detail := changed_fields(before, after):
            record_activity(
                studio=project.studio, actor=actor, verb=ActivityVerb.PROJECT_SETTINGS,
                subject=project.name, detail=detail,
            )  # fmt: skip
    if team and team_after != team_before:
        _close_sockets_outside(project, {u.pk for u in team})
    if actor is not None and team_after != team_before:
        record_activity(
            studio=project.studio, actor=actor, verb=ActivityVerb.PROJECT_TEAM,
            subject=project.name,
            detail=", ".join(team_after) or "the whole studio",
        )  # fmt: skip
    save_generation_settings(
        project=project,
        provider=data["provider"],
        fallback_provider=data["fallback_provider"] or "",
        auto_fallback=bool(data["auto_fallback"]),
        budget=data.get("budget"),
        actor=actor if existing else None,
    )


def create_project(
    *, studio: Studio, data: dict[str, Any], team: list[User], actor: User | None = None
) -> Project:
    """A new project of the studio from the settings form; nothing is created when refused."""
    with transaction.atomic():
        project = Project(studio=studio)
        _save(project, data, team, actor)
    return project


def save_project_settings(
    *, project: Project, data: dict[str, Any], team: list[User], actor: User | None = None
) -> None:
    """Save the settings page; refused as a whole (e.g. a provider without a credential)."""
    with transaction.atomic():
        _save(project, data, team, actor)


def settings_initial(project: Project) -> dict[str, Any]:
    """The settings form's values as the project stands."""
    generation = getattr(project, "generation_settings", None)
    budget: Decimal | None = generation.budget if generation else None
    return {
        **{field: getattr(project, field) for field in PROJECT_FIELDS},
        "provider": project.provider,
        "fallback_provider": generation.fallback_provider if generation else "",
        "auto_fallback": generation.auto_fallback if generation else False,
        "budget": budget,
        "team": list(project.team.all()),
    }
