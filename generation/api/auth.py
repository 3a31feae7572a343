"""Who asks the API: a personal access token (Bearer), its scope, and its rate limit.

The token names a user and one studio; every object is then looked up through
`projects.access` as the user (so roles, teams and archives decide exactly as on the
pages) and must belong to the token's studio (else 404, as a foreign studio's object).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from generation.api.models import ApiToken, token_digest
from projects.access import get_episode_for_user, get_project_for_user, get_scene_for_user
from projects.models import Episode, Membership, Project, Scene


class ReadOnlyToken(Exception):
    """A read-scoped token asked for a change (403)."""


class NotFound(Exception):
    """An object the token may not know exists (404)."""


@dataclass
class Caller:
    token: ApiToken
    user: User

    def __str__(self) -> str:  # the throttle keys on this (a digest never repeats; an id may)
        return f"token-{self.token.digest[:24]}"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cst_…`: a token that is not revoked, not expired."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = (
            ApiToken.objects.usable()
            .select_related("user", "studio")
            .filter(digest=token_digest(token), user__is_active=True)
            # A member who left the studio (or was removed) holds a dead token.
            .filter(
                Exists(Membership.objects.filter(studio=OuterRef("studio"), user=OuterRef("user")))
            )  # fmt: skip
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user  # the pages' access helpers start from the user
        return Caller(token=found, user=found.user)


def _per_thread(name: str) -> property:
    """An attribute of the request being checked, kept per thread (see TokenRateThrottle)."""
    return property(
        lambda self: getattr(self._asking, name),
        lambda self, value: setattr(self._asking, name, value),
    )


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token, counted in the shared (Redis) cache; over it: 429 + Retry-After.

    django-ninja keeps one throttle for the API and stores the request being checked on it
    (its key, history and time, which `wait` reads for Retry-After); the page threads of a
    process check requests at once, so those live per thread here.
    """

    key = _per_thread("key")
    history = _per_thread("history")
    now = _per_thread("now")

    def __init__(self) -> None:
        super().__init__()
        self._asking = threading.local()

    def get_rate(self) -> str:
        return str(settings.COMICSTUDIO_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # The rate is read per request (the setting may change without a restart in tests).
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        return f"api-throttle-{auth}" if auth else None


def caller(request: HttpRequest) -> Caller:
    """The authenticated caller of an operation."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def writer(request: HttpRequest) -> Caller:
    """The caller, refused (403) when their token may only read."""
    found = caller(request)
    if not found.token.may_write:
        raise ReadOnlyToken
    return found


def _in_studio(found: Caller, studio_id: int) -> None:
    if studio_id != found.token.studio_id:
        raise NotFound


def project_for(found: Caller, project_id: int) -> tuple[Project, Membership]:
    project, member = get_project_for_user(found.user, project_id)
    _in_studio(found, project.studio_id)
    return project, member


def episode_for(found: Caller, episode_id: int) -> tuple[Episode, Membership]:
    episode, member = get_episode_for_user(found.user, episode_id)
    _in_studio(found, episode.project.studio_id)
    return episode, member


def scene_for(found: Caller, scene_id: int) -> tuple[Scene, Membership]:
    scene, member = get_scene_for_user(found.user, scene_id)
    _in_studio(found, scene.episode.project.studio_id)
    return scene, member
