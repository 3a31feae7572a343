"""Who may see what in a studio: the one place views and consumers ask.

Everything starts from the user. A user who is not a member of the studio gets a 404,
never a 403: they may not learn that the project exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from characters.requests import signed_in
from projects.models import Episode, Membership, Project, Scene, Studio

if TYPE_CHECKING:
    from characters.requests import Viewer


def membership_in(user: Viewer, studio_id: int) -> Membership | None:
    """The user's membership of a studio, or None."""
    member = signed_in(user)
    if member is None:
        return None
    membership = Membership.objects.filter(user=member, studio_id=studio_id).first()
    if membership is not None:
        membership.user = member  # already loaded: renders ask member.user
    return membership


def _membership_or_404(user: Viewer, studio_id: int) -> Membership:
    membership = membership_in(user, studio_id)
    if membership is None:
        raise Http404
    return membership


def get_studio_for_user(user: Viewer, studio_id: int) -> tuple[Studio, Membership]:
    """A studio the user belongs to, with their membership; 404 otherwise."""
    membership = _membership_or_404(user, studio_id)
    return Studio.objects.get(pk=studio_id), membership


ARCHIVED = "This project is archived: it is read-only until an owner or producer restores it."


def _membership_for(user: Viewer, project: Project) -> Membership:
    return as_archived(_membership_or_404(user, project.studio_id), project.archived_at is not None)


def as_archived(membership: Membership, archived: bool) -> Membership:
    """The membership, read-only when its project is archived (pages and live pushes alike)."""
    if archived:
        membership.read_only_reason = ARCHIVED
    return membership


def get_project_for_user(user: Viewer, project_id: int) -> tuple[Project, Membership]:
    """A project the user may see, with their membership; 404 otherwise."""
    project = get_object_or_404(
        Project.objects.for_user(user).select_related("studio"), pk=project_id
    )
    return project, _membership_for(user, project)


def get_episode_for_user(user: Viewer, episode_id: int) -> tuple[Episode, Membership]:
    """An episode the user may see, with their membership; 404 otherwise."""
    episode = get_object_or_404(
        Episode.objects.for_user(user).select_related("project__studio"), pk=episode_id
    )
    return episode, _membership_for(user, episode.project)


def get_scene_for_user(user: Viewer, scene_id: int) -> tuple[Scene, Membership]:
    """A scene the user may see, with their membership; 404 otherwise."""
    scene = get_object_or_404(
        Scene.objects.for_user(user).select_related("episode__project"), pk=scene_id
    )
    return scene, _membership_for(user, scene.episode.project)


def require(allowed: bool, member: Membership | None = None, why: str = "") -> None:
    """Refuse a member whose role does not allow the action (they may know the object).

    The refusal's message (the archive, else `why`, else the role) reaches the 403 page
    and the htmx message handler.
    """
    if allowed:
        return
    if member is None:
        raise PermissionDenied(why or "Your role does not allow this.")
    raise PermissionDenied(member.read_only_reason or why or member.refusal())
