"""The API's scene edits, retakes, export cancel and subtitles, and batch review: each does
what its page does, through the same services and the one door for takes."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile

from generation.export.models import Export, ExportStatus
from generation.models import ReviewDecision, ReviewStatus, Take
from projects.models import Scene
from tests.api_world import api, token_for
from tests.factories import make_take

pytestmark = pytest.mark.django_db


def _post(client, path: str, body: dict | None = None, key: str = ""):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key else {}
    data = "" if body is None else json.dumps(body)
    return client.post("/api/v1" + path, data, content_type="application/json", headers=headers)


def _board(episode) -> list[Scene]:  # type: ignore[no-untyped-def]
    return list(episode.scenes.filter(archived_at__isnull=True).order_by("position"))


def test_scenes_are_added_split_merged_omitted_and_restored_as_on_the_storyboard(
    studio, writer, episode
):
    client = api(token_for(writer, studio))
    first, second = _board(episode)[:2]

    added = _post(client, f"/episodes/{episode.pk}/scenes", {"after": first.pk})
    assert added.status_code == 201
    headings = [s["heading"] for s in added.json()]
    assert len(headings) == 7 and headings[1] == "INT. NEW SCENE - DAY"
    assert [s["position"] for s in added.json()] == list(range(1, 8))
    elsewhere = _post(client, f"/episodes/{episode.pk}/scenes", {"after": 999_999})
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "after"

    Scene.objects.filter(pk=second.pk).update(action="He runs. She waits.", dialogue=[])
    split = _post(client, f"/scenes/{second.pk}/split")
    assert split.status_code == 200 and len(split.json()) == 8
    actions = [s["action"] for s in split.json()]
    assert "He runs." in actions and "She waits." in actions
    single = _post(client, f"/scenes/{added.json()[1]['id']}/split")  # an empty new scene
    assert single.status_code == 409 and single.json()["code"] == "edit-refused"
    assert "nothing to split" in single.json()["detail"]

    merged = _post(client, f"/scenes/{second.pk}/merge")
    assert merged.status_code == 200 and len(merged.json()) == 7
    assert Scene.objects.get(pk=second.pk).action == "He runs. She waits."
    last = _board(episode)[-1]
    refused = _post(client, f"/scenes/{last.pk}/merge")
    assert refused.status_code == 409 and "last scene" in refused.json()["detail"]

    omitted = _post(client, f"/scenes/{first.pk}/omit", {"omitted": True})
    assert omitted.status_code == 200 and omitted.json()["omitted"] is True
    assert Scene.objects.get(pk=first.pk).omitted
    back = _post(client, f"/scenes/{first.pk}/omit", {"omitted": False})
    assert back.json()["omitted"] is False and not Scene.objects.get(pk=first.pk).omitted


def test_a_failed_take_is_resubmitted_once_per_idempotency_key(studio, writer, episode):
    scene = _board(episode)[0]
    failed = make_take(scene, writer, generation_status="failed", error="Timed out.")
    client = api(token_for(writer, studio))

    first = _post(client, f"/takes/{failed.pk}/resubmit", key="resubmit-1")
    again = _post(client, f"/takes/{failed.pk}/resubmit", key="resubmit-1")

    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    new = Take.objects.get(pk=first.json()["id"])
    assert new.number == 2 and new.scene_id == scene.pk and new.generation_status == "queued"
    assert Take.objects.filter(scene=scene).count() == 2
    # Without a key it is a new request: the door refuses a scene that is busy.
    busy = _post(client, f"/takes/{failed.pk}/resubmit")
    assert busy.status_code == 409 and busy.json()["code"] == "nothing-started"
    assert busy.json()["refused"][0]["scene_id"] == scene.pk
    assert Take.objects.filter(scene=scene).count() == 2


def test_the_review_rooms_retake_and_the_doors_refusals(studio, writer, viewer, episode):
    scene = _board(episode)[0]
    approved = make_take(
        scene, writer, generation_status="succeeded", review_status=ReviewStatus.APPROVED
    )
    client = api(token_for(writer, studio))

    remix = _post(client, f"/takes/{approved.pk}/remix")  # only a rejected take is remixed
    assert remix.status_code == 409 and remix.json()["refused"]
    fallback = _post(client, f"/takes/{approved.pk}/fallback")
    assert fallback.status_code == 409 and fallback.json()["detail"]
    assert Take.objects.filter(scene=scene).count() == 1

    viewer_said = _post(api(token_for(viewer, studio)), f"/takes/{approved.pk}/retake", {})
    assert viewer_said.status_code == 403 and viewer_said.json()["code"] == "role"
    retaken = _post(client, f"/takes/{approved.pk}/retake", {"remix": False}, key="r-1")
    assert retaken.status_code == 202 and retaken.json()["number"] == 2
    assert Take.objects.filter(scene=scene).count() == 2


def test_an_export_is_cancelled_and_its_subtitles_downloaded(studio, producer, viewer, episode):
    running = Export.objects.create(
        episode=episode, number=1, kind="draft", status=ExportStatus.RUNNING, fingerprint="x"
    )
    client = api(token_for(producer, studio))
    cancelled = _post(client, f"/exports/{running.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"] is True
    assert Export.objects.get(pk=running.pk).cancel_requested

    done = Export.objects.create(
        episode=episode, number=2, kind="draft", status=ExportStatus.SUCCEEDED, fingerprint="x"
    )
    done.subtitles_srt.save("e.srt", ContentFile(b"1\n00:00:00,000 --> 00:00:02,000\nSoup!\n"))
    late = _post(client, f"/exports/{done.pk}/cancel")
    assert late.status_code == 409 and "already finished" in late.json()["detail"]

    reader = api(token_for(viewer, studio, "read"))
    listed = reader.get(f"/api/v1/exports/{done.pk}").json()
    assert listed["subtitle_urls"] == [f"/api/v1/exports/{done.pk}/subtitles/srt"]
    srt = reader.get(f"/api/v1/exports/{done.pk}/subtitles/srt")
    assert srt.status_code == 200 and srt["Content-Type"].startswith("application/x-subrip")
    assert b"Soup!" in b"".join(srt.streaming_content) and ".srt" in srt["Content-Disposition"]
    assert reader.get(f"/api/v1/exports/{done.pk}/subtitles/vtt").status_code == 404
    french = reader.get(f"/api/v1/exports/{done.pk}/subtitles/srt?language=fr")
    assert french.status_code == 404 and french["Content-Type"] == "application/problem+json"


def test_one_decision_on_several_scenes_says_which_it_refused(studio, writer, reviewer, episode):
    first, second, third = _board(episode)[:3]
    takes = [make_take(s, writer, generation_status="succeeded") for s in (first, second)]
    client = api(token_for(reviewer, studio))
    body = {"scene_ids": [first.pk, second.pk, third.pk], "action": "approve"}

    made = _post(client, f"/episodes/{episode.pk}/decisions", body)

    assert made.status_code == 200
    assert sorted(d["take_id"] for d in made.json()["decisions"]) == sorted(t.pk for t in takes)
    assert made.json()["refused"] == [f"Scene {third.position}: no finished take to review."]
    assert {t.review_status for t in Take.objects.filter(pk__in=[t.pk for t in takes])} == {
        ReviewStatus.APPROVED
    }
    no_note = _post(client, f"/episodes/{episode.pk}/decisions",
                    {"scene_ids": [first.pk], "action": "request_changes"})  # fmt: skip
    assert no_note.status_code == 422 and no_note.json()["errors"]
    # An id no database integer holds is a field error, not a 500 from the query.
    huge = _post(client, f"/episodes/{episode.pk}/decisions",
                 {"scene_ids": [2**70], "action": "approve"})  # fmt: skip
    assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "scene_ids.0"
    assert ReviewDecision.objects.count() == 2
    writer_said = _post(api(token_for(writer, studio)), f"/episodes/{episode.pk}/decisions", body)
    assert writer_said.status_code == 403


def test_a_failed_take_is_retried_on_the_projects_fallback_provider(studio, writer, episode):
    from generation.models import ProjectGenerationSettings

    ProjectGenerationSettings.objects.create(project=episode.project, fallback_provider="animatic")
    scene = _board(episode)[0]
    failed = make_take(scene, writer, provider="veo", generation_status="failed")

    retried = _post(api(token_for(writer, studio)), f"/takes/{failed.pk}/fallback", key="fb-1")

    assert retried.status_code == 202, retried.content
    assert retried.json()["provider"] == "animatic" and retried.json()["number"] == 2
    assert Take.objects.get(pk=retried.json()["id"]).generation_status == "queued"
