"""Every API operation × every kind of token: the answer the pages' rules give.

Tokens of: no token, a revoked one, an expired one, an outsider (owner of another
studio), each role of the studio; write operations also with a read-only token. An
object of another studio is 404, a role that may not act is 403, a read-only token
doing a write is 403 (code `scope`), and nobody gets a 500.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile

from characters.models import Character, Privacy
from generation.api.models import ApiBatch
from generation.export.models import Export, ExportStatus
from projects.models import Scene
from tests.api_world import api, expired_token, revoked_token, token_for
from tests.character_media import clip_bytes
from tests.factories import make_take

ALL = {"owner", "producer", "writer", "reviewer", "viewer"}
EDIT = {"owner", "producer", "writer"}
SPEND = {"owner", "producer"}
REVIEW = {"owner", "reviewer"}
COMMENT = ALL - {"viewer"}
ROLES = ["viewer", "reviewer", "writer", "producer", "owner"]

# (method, path, body, roles that may act, what the outsider gets, needs write scope)
OPERATIONS = [
    ("GET", "/me", None, ALL, "ok", False),
    ("GET", "/studios", None, ALL, "ok", False),
    ("GET", "/projects", None, ALL, "ok", False),
    ("GET", "/projects/{project}", None, ALL, "404", False),
    ("GET", "/projects/{project}/episodes", None, ALL, "404", False),
    ("GET", "/episodes/{episode}", None, ALL, "404", False),
    ("GET", "/episodes/{episode}/script", None, ALL, "404", False),
    (
        "POST",
        "/episodes/{episode}/script/preview",
        {"text": "INT. A - DAY\n\nHi."},
        EDIT,
        "404",
        True,
    ),
    ("PUT", "/episodes/{episode}/script", {"text": "x", "fingerprint": "x"}, EDIT, "404", True),
    ("GET", "/episodes/{episode}/scenes", None, ALL, "404", False),
    ("GET", "/scenes/{scene}", None, ALL, "404", False),
    ("PATCH", "/scenes/{scene}", {"camera": "wide"}, EDIT, "404", True),
    ("POST", "/episodes/{episode}/scenes/order", {"scene_ids": []}, EDIT, "404", True),
    ("POST", "/episodes/{episode}/scenes", {"heading": "INT. NEW - DAY"}, EDIT, "404", True),
    ("POST", "/scenes/{scene}/split", None, EDIT, "404", True),
    ("POST", "/scenes/{scene}/merge", None, EDIT, "404", True),
    ("POST", "/scenes/{scene}/omit", {"omitted": False}, EDIT, "404", True),
    ("GET", "/characters", None, ALL, "ok", False),
    ("GET", "/characters/pub_cat", None, ALL, "ok", False),
    (
        "POST",
        "/characters",
        {"name": "N", "handle": "new_one", "appearance": "A fox."},
        ALL,
        "ok",
        True,
    ),
    ("POST", "/characters/pub_cat/references", None, {"writer"}, "403", True),
    ("PUT", "/characters/pub_cat/privacy", {"privacy": "everyone"}, {"writer"}, "403", True),
    ("POST", "/episodes/{episode}/takes/estimate", {}, EDIT, "404", False),
    ("POST", "/episodes/{episode}/takes", {"confirmed_total": "0.00"}, EDIT, "404", True),
    ("GET", "/episodes/{episode}/takes", None, ALL, "404", False),
    ("GET", "/batches/{batch}", None, ALL, "404", False),
    ("GET", "/takes/{take}", None, ALL, "404", False),
    ("GET", "/takes/{take}/video", None, ALL, "404", False),
    ("POST", "/takes/{take}/cancel", None, EDIT, "404", True),
    ("POST", "/takes/{take}/resubmit", None, EDIT, "404", True),
    ("POST", "/takes/{take}/fallback", None, EDIT, "404", True),
    ("POST", "/takes/{take}/remix", None, EDIT, "404", True),
    ("POST", "/takes/{take}/retake", {"remix": False}, EDIT, "404", True),
    ("GET", "/takes/{take}/decisions", None, ALL, "404", False),
    (
        "POST",
        "/episodes/{episode}/decisions",
        {"scene_ids": [1], "action": "approve"},
        REVIEW,
        "404",
        True,
    ),
    ("POST", "/takes/{take}/decisions", {"action": "comment", "note": "ok"}, REVIEW, "404", True),
    ("POST", "/takes/{take}/comments", {"text": "Nice."}, COMMENT, "404", True),
    ("POST", "/episodes/{episode}/exports", {"kind": "draft"}, SPEND, "404", True),
    ("GET", "/episodes/{episode}/exports", None, ALL, "404", False),
    ("GET", "/exports/{export}", None, ALL, "404", False),
    ("GET", "/exports/{export}/video", None, ALL, "404", False),
    ("GET", "/exports/{export}/subtitles/srt", None, ALL, "404", False),
    ("GET", "/exports/{export}/subtitles/vtt", None, ALL, "404", False),
    ("POST", "/exports/{export}/cancel", None, SPEND, "404", True),
    ("GET", "/webhooks", None, ALL, "ok", False),
    ("POST", "/webhooks", {"url": "https://hooks.example.test/x"}, ALL, "ok", True),
    ("GET", "/episodes/{episode}/events", None, ALL, "404", False),
]


@pytest.fixture
def world(studio, owner, producer, writer, reviewer, viewer, outsider, episode, settings):  # type: ignore[no-untyped-def]
    settings.COMICSTUDIO_API_RATE = "10000/min"
    settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = True  # the webhook host is not resolved
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    take = make_take(scene, writer, generation_status="succeeded")
    take.video.save("take.mp4", ContentFile(clip_bytes(1)))
    export = Export.objects.create(
        episode=episode, number=1, kind="draft", status=ExportStatus.SUCCEEDED, fingerprint="x"
    )
    export.video.save("episode.mp4", ContentFile(clip_bytes(1)))
    export.subtitles_srt.save(
        "episode.srt", ContentFile(b"1\n00:00:00,000 --> 00:00:01,000\nHi.\n")
    )
    export.subtitles_vtt.save(
        "episode.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi.\n")
    )
    batch = ApiBatch.objects.create(episode=episode, requested_by=writer)
    batch.takes.set([take])
    Character.objects.create(
        owner=writer, name="Pub", handle="pub_cat", appearance="A cat.", privacy=Privacy.EVERYONE
    )
    ids = {
        "project": episode.project_id, "episode": episode.pk, "scene": scene.pk,
        "take": take.pk, "export": export.pk, "batch": batch.pk,
    }  # fmt: skip
    users = {"owner": owner, "producer": producer, "writer": writer, "reviewer": reviewer,
             "viewer": viewer}  # fmt: skip
    return studio, users, outsider, ids


def _send(secret: str, method: str, path: str, body: object) -> tuple[int, dict]:
    client = api(secret)
    data = "" if body is None else json.dumps(body)
    response = client.generic(method, "/api/v1" + path, data, content_type="application/json")
    problem = {}
    if response.get("Content-Type") == "application/problem+json":
        problem = json.loads(response.content)
    return response.status_code, problem


def _ok(status: int) -> bool:
    return status < 500 and status not in (401, 403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{o[0]} {o[1]}" for o in OPERATIONS])
def test_operation_answers_each_token_as_the_pages_rules_say(operation, world):
    method, template, body, allowed, for_outsider, writes = operation
    studio, users, outsider, ids = world
    path = template.format(**ids)
    wrong = []

    def expect(who: str, secret: str, want: str) -> None:
        status, problem = _send(secret, method, path, body)
        good = _ok(status) if want == "ok" else status == int(want)
        if status >= 400 and status != 204 and not problem:
            wrong.append(f"{who}: {status} is not problem+json")
        if not good:
            wrong.append(f"{who}: {status} {problem.get('detail', '')}, expected {want}")

    expect("no token", "", "401")
    expect("not a token", "cst_not-a-real-token", "401")
    expect("revoked", revoked_token(users["owner"], studio), "401")
    expect("expired", expired_token(users["owner"], studio), "401")
    outsider_studio = outsider.memberships.get().studio
    expect("outsider", token_for(outsider, outsider_studio), for_outsider)
    for role in ROLES:
        expect(role, token_for(users[role], studio), "ok" if role in allowed else "403")
    if writes:
        for role in allowed:
            status, problem = _send(token_for(users[role], studio, "read"), method, path, body)
            if status != 403 or problem.get("code") != "scope":
                wrong.append(f"read-only {role}: {status}, expected 403 scope")
    assert not wrong, f"{method} {path}: " + "; ".join(wrong)


def test_every_operation_of_the_schema_is_in_the_table():
    from generation.api.app import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    listed = {(m, t.replace("{project}", "{project_id}").replace("{episode}", "{episode_id}")
               .replace("{scene}", "{scene_id}").replace("{take}", "{take_id}")
               .replace("{export}", "{export_id}").replace("{batch}", "{batch_id}")
               .replace("pub_cat", "{handle}").replace("/srt", "/{suffix}")
               .replace("/vtt", "/{suffix}"))
              for m, t, *_ in OPERATIONS}  # fmt: skip
    found = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    # Removing one's own webhook is checked on its own (it exists for one user only).
    assert found - listed == {("DELETE", "/webhooks/{webhook_id}")}


@pytest.mark.django_db
def test_a_member_with_a_token_of_another_studio_gets_404(world, outsider):
    studio, users, _, ids = world
    from projects.models import Membership, Role

    other = outsider.memberships.get().studio
    Membership.objects.create(studio=other, user=users["owner"], role=Role.OWNER)
    secret = token_for(users["owner"], other)
    assert _send(secret, "GET", f"/episodes/{ids['episode']}", None)[0] == 404
    assert _send(secret, "GET", "/projects", None)[0] == 200


@pytest.mark.django_db
def test_a_private_character_is_a_404_and_missing_from_every_list(world):
    studio, users, _, ids = world
    Character.objects.create(
        owner=users["writer"], name="Secret", handle="secret_fox", privacy=Privacy.ONLY_ME
    )
    viewer = token_for(users["viewer"], studio)
    status, problem = _send(viewer, "GET", "/characters/secret_fox", None)
    assert status == 404
    assert _send(viewer, "GET", "/characters/no_such_one", None) == (status, problem)
    listed = api(viewer).get("/api/v1/characters").json()
    assert [c["handle"] for c in listed] == ["pub_cat"]
    assert (
        "secret_fox"
        in api(token_for(users["writer"], studio)).get("/api/v1/characters").content.decode()
    )


@pytest.mark.django_db
def test_removing_a_webhook_is_for_its_owner_only(world):
    studio, users, _, _ = world
    mine = token_for(users["writer"], studio)
    made = api(mine).post("/api/v1/webhooks", {"url": "https://hooks.example.test/a"},
                          content_type="application/json").json()  # fmt: skip
    assert "secret" in made
    other = token_for(users["owner"], studio)
    assert _send(other, "DELETE", f"/webhooks/{made['id']}", None)[0] == 404
    assert _send(mine, "DELETE", f"/webhooks/{made['id']}", None)[0] == 204
    assert api(mine).get("/api/v1/webhooks").json() == []
