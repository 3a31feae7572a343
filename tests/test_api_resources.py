"""The API's resources do what their pages do: characters, scripts, scenes, review."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from characters.models import Character
from generation.models import ReviewStatus
from tests.api_world import api, token_for
from tests.character_media import image_bytes
from tests.factories import make_take

pytestmark = pytest.mark.django_db


def _send(client, method: str, path: str, body: dict):  # type: ignore[no-untyped-def]
    return client.generic(method, "/api/v1" + path, json.dumps(body),
                          content_type="application/json")  # fmt: skip


def test_a_character_is_created_given_references_and_made_public(studio, writer, viewer):
    mine = api(token_for(writer, studio))
    made = _send(mine, "POST", "/characters",
                 {"name": "Fox", "handle": "@red_fox", "appearance": "A red fox."})  # fmt: skip
    assert made.status_code == 201 and made.json()["privacy"] == "only_me"
    assert api(token_for(viewer, studio)).get("/api/v1/characters/red_fox").status_code == 404

    image = SimpleUploadedFile("front.png", image_bytes(), content_type="image/png")
    added = mine.post("/api/v1/characters/red_fox/references", {"angle": "front", "image": image})
    assert added.status_code == 201 and added.json()["references"] == ["front"]
    text = SimpleUploadedFile("front.png", b"not an image", content_type="image/png")
    refused = mine.post("/api/v1/characters/red_fox/references", {"angle": "front", "image": text})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "image"

    assert (
        _send(mine, "PUT", "/characters/red_fox/privacy", {"privacy": "everyone"}).status_code
        == 200
    )
    assert api(token_for(viewer, studio)).get("/api/v1/characters/red_fox").status_code == 200
    taken = _send(
        mine, "POST", "/characters", {"name": "F", "handle": "red_fox", "appearance": "x"}
    )
    assert taken.status_code == 409 and taken.json()["code"] == "handle-taken"
    assert Character.objects.count() == 1


def test_a_script_is_applied_only_with_the_fingerprint_of_its_preview(studio, writer, episode):
    client = api(token_for(writer, studio))
    text = episode.script + "\nEXT. HARBOUR - DAWN\n\nBoats come in.\n"
    preview = _send(client, "POST", f"/episodes/{episode.pk}/script/preview", {"text": text})
    assert preview.json()["summary"].startswith("1 new, 0 changed, 0 removed, 6 unchanged")
    assert episode.scenes.count() == 6  # a preview writes nothing

    # Someone reorders the storyboard meanwhile: the preview no longer says what would happen.
    ids = list(episode.scenes.order_by("-position").values_list("pk", flat=True))
    _send(client, "POST", f"/episodes/{episode.pk}/scenes/order", {"scene_ids": ids})
    seen = {"text": text, "fingerprint": preview.json()["fingerprint"]}
    stale = _send(client, "PUT", f"/episodes/{episode.pk}/script", seen)
    assert stale.status_code == 409 and stale.json()["code"] == "preview-outdated"
    assert episode.scenes.count() == 6

    again = _send(client, "POST", f"/episodes/{episode.pk}/script/preview", {"text": text})
    fresh = {"text": text, "fingerprint": again.json()["fingerprint"]}
    assert _send(client, "PUT", f"/episodes/{episode.pk}/script", fresh).status_code == 200
    assert episode.scenes.filter(archived_at__isnull=True).count() == 7


def test_scenes_are_edited_and_reordered_as_on_the_storyboard(studio, writer, episode):
    client = api(token_for(writer, studio))
    scenes = client.get(f"/api/v1/episodes/{episode.pk}/scenes").json()
    first = scenes[0]["id"]
    edited = _send(
        client, "PATCH", f"/scenes/{first}", {"camera": "slow dolly", "duration_seconds": 8}
    )
    assert edited.status_code == 200 and edited.json()["camera"] == "slow dolly"
    bad = _send(client, "PATCH", f"/scenes/{first}", {"duration_seconds": 7})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "duration_seconds"
    unknown = _send(client, "PATCH", f"/scenes/{first}", {"cast": ["nobody_here"]})
    assert unknown.status_code == 422 and "No character @nobody_here" in unknown.json()["detail"]

    order = [s["id"] for s in reversed(scenes)]
    moved = _send(client, "POST", f"/episodes/{episode.pk}/scenes/order", {"scene_ids": order})
    assert [s["id"] for s in moved.json()] == order
    assert [s["position"] for s in moved.json()] == [1, 2, 3, 4, 5, 6]


def test_review_decisions_and_comments_follow_the_review_rooms_rules(
    studio, writer, reviewer, episode
):
    take = make_take(episode.scenes.order_by("position").first(), writer,
                     generation_status="succeeded")  # fmt: skip
    client = api(token_for(reviewer, studio))
    path = f"/takes/{take.pk}/decisions"
    no_reason = _send(client, "POST", path, {"action": "reject", "note": "Too dark."})
    assert no_reason.status_code == 422
    assert {e["field"] for e in no_reason.json()["errors"]} == {"reason_code"}
    approved = _send(client, "POST", path, {"action": "approve"})
    assert approved.status_code == 201
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.APPROVED
    again = _send(client, "POST", path, {"action": "approve"})
    assert again.status_code == 409 and "already approved" in again.json()["detail"]
    assert [d["action"] for d in client.get(f"/api/v1{path}").json()] == ["approve"]
    comment = _send(
        client, "POST", f"/takes/{take.pk}/comments", {"text": "Lovely.", "at_seconds": "1.5"}
    )
    assert comment.status_code == 201 and comment.json()["at_seconds"] == "1.5"
