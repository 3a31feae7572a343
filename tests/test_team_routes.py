"""Every URL of accounts, studios, members and invitations × anonymous, outsider, each role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Membership, Role
from projects.team_models import Invitation, hash_token
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

IDENTITIES = ["anonymous", "outsider", "owner", "producer", "writer", "reviewer", "viewer"]
LOGIN = 302  # anonymous visitors are sent to the login page
MEMBERS = {"producer", "writer", "reviewer", "viewer"}


def _owner_only(owner: int) -> dict[str, int]:
    return {"anonymous": LOGIN, "outsider": 404, "owner": owner} | dict.fromkeys(MEMBERS, 403)


def _any_signed_in(code: int) -> dict[str, int]:
    return {"anonymous": LOGIN} | dict.fromkeys(IDENTITIES[1:], code)


# (name, method, path builder, data, expected status per identity)
ROUTES = [
    ("login", "get", lambda w: reverse("login"), {}, dict.fromkeys(IDENTITIES, 200)),
    (
        "password reset",
        "get",
        lambda w: reverse("password_reset"),
        {},
        dict.fromkeys(IDENTITIES, 200),
    ),
    ("password change", "get", lambda w: reverse("password_change"), {}, _any_signed_in(200)),
    ("account", "get", lambda w: reverse("projects:account"), {}, _any_signed_in(200)),
    ("new studio", "get", lambda w: reverse("generation:new_studio"), {}, _any_signed_in(200)),
    (
        "switch studio",
        "post",
        lambda w: reverse("projects:switch_studio"),
        lambda w: {"studio": w["studio"].pk},
        {"anonymous": LOGIN, "outsider": 404} | dict.fromkeys(IDENTITIES[2:], 302),
    ),
    (
        "studio settings",
        "get",
        lambda w: reverse("generation:studio_settings", args=[w["studio"].pk]),
        {},
        _owner_only(200),
    ),
    (
        "studio settings save",
        "post",
        lambda w: reverse("generation:studio_settings", args=[w["studio"].pk]),
        {"name": "X", "default_aspect_ratio": "9:16", "default_provider": "animatic"},
        _owner_only(302),
    ),
    (
        "activity",
        "get",
        lambda w: reverse("projects:activity", args=[w["studio"].pk]),
        {},
        _owner_only(200),
    ),
    (
        "members",
        "get",
        lambda w: reverse("projects:members", args=[w["studio"].pk]),
        {},
        {"anonymous": LOGIN, "outsider": 404} | dict.fromkeys(IDENTITIES[2:], 200),
    ),
    (
        "invite",
        "post",
        lambda w: reverse("projects:members", args=[w["studio"].pk]),
        {"who": "someone@example.com", "role": "writer"},
        _owner_only(200),
    ),
    (
        "set role",
        "post",
        lambda w: reverse("projects:set_role", args=[w["studio"].pk, w["target"].pk]),
        {"role": "reviewer"},
        _owner_only(302),
    ),
    (
        "remove member",
        "post",
        lambda w: reverse("projects:remove_member", args=[w["studio"].pk, w["target"].pk]),
        {},
        _owner_only(302),
    ),
    (
        "revoke invitation",
        "post",
        lambda w: reverse("projects:revoke_invitation", args=[w["studio"].pk, w["invitation"].pk]),
        {},
        _owner_only(302),
    ),
]


@pytest.fixture
def world(studio, owner, producer, writer, reviewer, viewer, outsider):  # type: ignore[no-untyped-def]
    target = Membership.objects.create(studio=studio, user=make_user("tina"), role=Role.WRITER)
    invitation = Invitation.objects.create(
        studio=studio,
        role=Role.VIEWER,
        email="x@example.com",
        token_hash=hash_token("t"),
        created_by=owner,
        expires_at=timezone.now() + timedelta(days=1),
    )
    users = {"owner": owner, "producer": producer, "writer": writer, "reviewer": reviewer,
             "viewer": viewer, "outsider": outsider}  # fmt: skip
    return {"studio": studio, "target": target, "invitation": invitation, "users": users}


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_route_answers_each_identity(client, world, route, identity):  # type: ignore[no-untyped-def]
    name, method, path, data, expected = route
    if identity != "anonymous":
        client.force_login(world["users"][identity])

    response = getattr(client, method)(path(world), data(world) if callable(data) else data)

    assert response.status_code == expected[identity], (name, identity)
    if expected[identity] == LOGIN and identity == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("identity", IDENTITIES)
def test_signup_and_invitation_pages_by_identity(client, world, identity):  # type: ignore[no-untyped-def]
    if identity != "anonymous":
        client.force_login(world["users"][identity])

    signup = client.get(reverse("projects:signup"))
    bad_invitation = client.get(reverse("projects:invitation", args=["not-a-real-token"]))

    assert signup.status_code == (200 if identity == "anonymous" else 302)
    assert bad_invitation.status_code == 404
