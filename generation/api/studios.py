"""Studios, projects and episodes: read through the pages' access helpers."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from generation.api.auth import caller, episode_for, project_for
from projects.access import get_studio_for_user
from projects.models import Episode, Project

router = Router(tags=["studios and projects"])


class StudioOut(Schema):
    id: int
    name: str
    role: str


class ProjectOut(Schema):
    id: int
    studio_id: int
    name: str
    logline: str
    provider: str
    aspect_ratio: str
    archived: bool


class EpisodeOut(Schema):
    id: int
    project_id: int
    number: int
    title: str
    archived: bool
    script_updated_at: datetime | None
    scenes: int


class MeOut(Schema):
    username: str
    studio: StudioOut
    scope: str
    expires_at: datetime


def project_out(project: Project) -> ProjectOut:
    return ProjectOut(
        id=project.pk, studio_id=project.studio_id, name=project.name, logline=project.logline,
        provider=project.provider, aspect_ratio=project.aspect_ratio,
        archived=project.archived_at is not None,
    )  # fmt: skip


def episode_out(episode: Episode) -> EpisodeOut:
    return EpisodeOut(
        id=episode.pk, project_id=episode.project_id, number=episode.number, title=episode.title,
        archived=episode.archived_at is not None, script_updated_at=episode.script_updated_at,
        scenes=episode.scenes.filter(archived_at__isnull=True).count(),
    )  # fmt: skip


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """The token's user, studio, role, scope and expiry."""
    found = caller(request)
    studio, member = get_studio_for_user(found.user, found.token.studio_id)
    return MeOut(
        username=found.user.username, scope=found.token.scope, expires_at=found.token.expires_at,
        studio=StudioOut(id=studio.pk, name=studio.name, role=member.role),
    )  # fmt: skip


@router.get("/studios", response=list[StudioOut])
def studios(request: HttpRequest) -> list[StudioOut]:
    """The token's studio (a token is for one studio)."""
    found = caller(request)
    studio, member = get_studio_for_user(found.user, found.token.studio_id)
    return [StudioOut(id=studio.pk, name=studio.name, role=member.role)]


@router.get("/projects", response=list[ProjectOut])
def projects(request: HttpRequest) -> list[ProjectOut]:
    """The studio's projects this user may see (teams included), archived ones marked."""
    found = caller(request)
    get_studio_for_user(found.user, found.token.studio_id)
    visible = Project.objects.for_user(found.user).filter(studio_id=found.token.studio_id)
    return [project_out(p) for p in visible]


@router.get("/projects/{project_id}", response=ProjectOut)
def project(request: HttpRequest, project_id: int) -> ProjectOut:
    found, _ = project_for(caller(request), project_id)
    return project_out(found)


@router.get("/projects/{project_id}/episodes", response=list[EpisodeOut])
def episodes(request: HttpRequest, project_id: int) -> list[EpisodeOut]:
    found, _ = project_for(caller(request), project_id)
    return [episode_out(e) for e in found.episodes.order_by("number")]  # type: ignore[attr-defined]


@router.get("/episodes/{episode_id}", response=EpisodeOut)
def episode(request: HttpRequest, episode_id: int) -> EpisodeOut:
    found, _ = episode_for(caller(request), episode_id)
    return episode_out(found)
