"""Every route × {anonymous, outsider, each role}: the answer the table in route_matrix says.

The routes come from the URLconf and the ASGI routing, so a new route without an entry in
tests/route_matrix.py fails `test_every_route_has_an_entry`.
"""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from characters.models import Character, Privacy
from characters.services import add_look, add_reference, set_reference_clip
from characters.tasks import make_reference_thumbnail
from characters.uploads import check_image
from comicstudio.asgi import application, websocket_routes
from generation.credentials import ProviderCredential
from generation.design.models import DesignCandidate, ReferenceClip
from generation.export.models import Export, ExportStatus
from generation.review.models import ReviewComment
from projects.invitations import create_invitation
from projects.models import Membership, Role, Scene
from tests.character_media import clip_bytes, image_bytes
from tests.factories import make_take
from tests.route_matrix import ADMIN_NAMESPACE, ROUTES, SOCKETS, Rule

IDENTITIES = ["anonymous", "outsider", "viewer", "reviewer", "writer", "producer", "owner"]


def _walk(patterns, namespace: str = "", prefix: str = ""):  # type: ignore[no-untyped-def]
    found: list[tuple[str, URLPattern, str]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            found += _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        else:
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            found.append((name, pattern, prefix + str(pattern.pattern)))
    return found


URLS = _walk(get_resolver().url_patterns)
APP_ROUTES = sorted({n for n, _, _ in URLS if not n.startswith(ADMIN_NAMESPACE + ":")})
# The admin's routes, by their text (some have no name): all are for staff only.
ADMIN_ROUTES = sorted({route for n, _, route in URLS if n.startswith(ADMIN_NAMESPACE + ":")})


def test_every_route_has_an_entry():
    unnamed = [route for n, p, route in URLS if p.name is None and not route.startswith("admin/")]
    assert not unnamed, "every route of the app needs a name"
    assert set(APP_ROUTES) - set(ROUTES) == set(), "add these routes to tests/route_matrix.py"
    assert set(ROUTES) - set(APP_ROUTES) == set(), "these entries name no route any more"
    sockets = {str(r.pattern) for r in websocket_routes if str(r.pattern)}  # not the catch-all
    assert sockets == set(SOCKETS), "add the socket routes to SOCKETS in tests/route_matrix.py"


@pytest.fixture
def world(studio, owner, producer, writer, reviewer, viewer, outsider, episode, settings):  # type: ignore[no-untyped-def]
    """One of everything a route can name, in the studio of the named cast."""
    settings.COMICSTUDIO_CREDENTIALS_KEY = settings.COMICSTUDIO_CREDENTIALS_KEY or "x"
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    take = make_take(scene, writer, generation_status="succeeded")
    take.video.save("take.mp4", ContentFile(clip_bytes(2)), save=False)
    take.thumbnail.save("take.jpg", ContentFile(image_bytes("JPEG")), save=False)
    take.save()
    credential = ProviderCredential(
        studio=studio, provider="openai", base_url="https://videos.example.test/v1"
    )
    credential.set_api_key("sk-route-matrix-1234")
    credential.save()
    character = Character.objects.create(
        owner=writer, name="Pub", handle="pub_cat", appearance="A cat.", privacy=Privacy.EVERYONE
    )
    front = image_bytes()
    reference = add_reference(
        character=character, angle="front", checked=check_image(ContentFile(front), size=len(front))
    )
    make_reference_thumbnail(reference.pk)
    look = add_look(character=character, name="Rain", description="A yellow raincoat.")
    set_reference_clip(character=character, clip=ContentFile(clip_bytes(3)), seconds=3.0)
    # A member the owner may change or remove (a route acting on the asker's own
    # membership would answer differently for each identity).
    extra = User.objects.create_user("route_matrix_extra")
    extra_membership = Membership.objects.create(studio=studio, user=extra, role=Role.VIEWER)
    invitation, link, _ = create_invitation(
        studio=studio, actor=owner, who="new@example.test", role=Role.VIEWER, link_for=str
    )
    export = Export.objects.create(
        episode=episode, number=1, kind="final", status=ExportStatus.SUCCEEDED, fingerprint="x"
    )
    export.video.save("episode.mp4", ContentFile(clip_bytes(2)))
    comment = ReviewComment.objects.create(take=take, author=writer, text="Too dark here.")
    candidate = DesignCandidate.objects.create(
        studio=studio, character=character, angle="front", prompt="A cat.",
        provider="openai_images", model="gpt-image-1", status="ready", requested_by=writer,
    )  # fmt: skip
    candidate.image.save("candidate.png", ContentFile(front))
    clip = ReferenceClip.objects.create(
        studio=studio, character=character, provider="openai", prompt="A cat turning.",
        status="ready", requested_by=writer,
    )  # fmt: skip
    clip.video.save("clip.mp4", ContentFile(clip_bytes(4)))
    users = {
        "outsider": outsider, "viewer": viewer, "reviewer": reviewer,
        "writer": writer, "producer": producer, "owner": owner,
    }  # fmt: skip
    values = {
        "scene_id": scene.pk, "episode_id": episode.pk, "take_id": take.pk,
        "studio_id": studio.pk, "project_id": episode.project_id, "credential_id": credential.pk,
        "handle": character.handle, "reference_id": reference.pk, "look_id": look.pk,
        "username": writer.username, "number": 1,
        "membership_id": extra_membership.pk, "invitation_id": invitation.pk, "token": link,
        "export_id": export.pk, "field": "video", "uidb64": "MQ", "comment_id": comment.pk,
        "language": "es", "suffix": "srt", "candidate_id": candidate.pk, "clip_id": clip.pk,
        "batch_id": 1, "webhook_id": 1, "token_id": 1,
    }  # fmt: skip
    return users, values


def _url(name: str, values: dict[str, object]) -> str:
    pattern = next(p for n, p, _ in URLS if n == name)
    kwargs = {key: values[key] for key in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


def _admin_path(route: str) -> str:
    """A concrete path for an admin route's text (path converters or regex groups)."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    path = re.sub(r"\(\?P<app_label>([\w]+)[^)]*\)", r"\1", path)  # the first app label
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return path.replace("^", "").replace("$", "").replace("\\", "")


def _expected(rule: Rule, identity: str) -> str:
    if identity == "anonymous":
        return rule.anonymous
    if identity == "outsider":
        return rule.outsider
    return "ok" if identity in rule.members else rule.others


def _check(status: int, location: str, expected: str) -> bool:
    if expected == "login":
        return status == 302 and "/login/" in location
    if expected == "ok":
        return status < 500 and status not in (403, 404)
    return status == int(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("name", APP_ROUTES)
def test_route_answers_each_identity_as_the_table_says(name, world):
    users, values = world
    rule = ROUTES[name]
    url = _url(name, values)
    wrong = []
    for identity in IDENTITIES:
        client = Client()
        if identity != "anonymous":
            client.force_login(users[identity])
        response = client.generic(rule.method, url, headers={"HX-Request": "true"})
        expected = _expected(rule, identity)
        if not _check(response.status_code, response.get("Location", ""), expected):
            wrong.append(f"{identity}: {response.status_code}, expected {expected}")
    assert not wrong, f"{rule.method} {url}: " + "; ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_the_admin_is_for_staff_only(route, world):
    users, _ = world
    name = next(n for n, _, r in URLS if r == route)
    url = "/" + _admin_path(route)
    for identity in IDENTITIES:
        client = Client()
        if identity != "anonymous":
            client.force_login(users[identity])
        response = client.get(url)
        if name in ("admin:login", "admin:logout"):
            assert response.status_code < 500, (identity, url)
        else:
            assert response.status_code == 302, (identity, url, response.status_code)
            assert "/admin/login/" in response["Location"], (identity, url)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("route", sorted(SOCKETS))
def test_socket_accepts_members_only(route, world):
    users, values = world
    path = "/" + route.replace("<int:episode_id>", str(values["episode_id"]))
    may = SOCKETS[route]

    def connects(identity: str) -> bool:
        headers = [(b"origin", b"http://127.0.0.1")]
        if identity != "anonymous":
            client = Client()
            client.force_login(users[identity])
            headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))

        async def attempt() -> bool:
            communicator = WebsocketCommunicator(application, path, headers=headers)
            connected, _ = await communicator.connect()
            await communicator.disconnect()
            return connected

        return async_to_sync(attempt)()

    answers = {identity: connects(identity) for identity in IDENTITIES}
    assert answers == {i: i in may for i in IDENTITIES}


MEDIA = {
    "characters:reference_image": "image/png",
    "characters:reference_thumbnail": "image/jpeg",
    "characters:reference_clip": "video/mp4",
    "generation:take_video": "video/mp4",
    "generation:take_thumbnail": "image/jpeg",
}


@pytest.mark.django_db
def test_media_carry_their_validated_type_nosniff_and_a_disposition(world):
    users, values = world
    client = Client()
    client.force_login(users["viewer"])
    for name, content_type in MEDIA.items():
        for headers in ({}, {"Range": "bytes=0-9"}):
            response = client.get(_url(name, values), headers=headers)
            assert response.status_code in (200, 206), name
            assert response["Content-Type"] == content_type, name
            assert response["X-Content-Type-Options"] == "nosniff", name
            assert response["Content-Disposition"] == "inline", name
