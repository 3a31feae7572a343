"""Requesting takes through the API: the estimate, the confirmed total, idempotent retries,
and the door's refusals in problem+json."""

from __future__ import annotations

import json

import pytest

from generation.api.models import ApiBatch, IdempotentAnswer
from generation.models import Take
from tests.api_world import api, token_for
from tests.test_spending import use_provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("list_prices")]


def _post(client, path: str, body: dict, key: str = ""):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/v1" + path, json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_paid_batch_starts_only_at_the_total_the_estimate_showed(studio, producer, episode):
    use_provider(episode, "veo", budget="100")
    client = api(token_for(producer, studio))

    estimate = _post(client, f"/episodes/{episode.pk}/takes/estimate", {}).json()
    assert estimate["total"] == "19.20" and len(estimate["scenes"]) == 6
    assert estimate["budget_remaining"] == "100.00"
    assert not Take.objects.exists()  # an estimate starts nothing

    wrong = _post(client, f"/episodes/{episode.pk}/takes", {"confirmed_total": "9.60"}, "k-1")
    assert wrong.status_code == 409
    assert wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["code"] == "confirm-total" and wrong.json()["estimate"]["total"] == "19.20"
    assert not Take.objects.exists()

    started = _post(client, f"/episodes/{episode.pk}/takes", {"confirmed_total": "19.20"}, "k-2")
    assert started.status_code == 202
    assert Take.objects.filter(provider="veo").count() == 6
    assert started.json()["status_url"] == f"/api/v1/batches/{started.json()['id']}"


def test_a_retried_generation_post_replays_the_answer_and_starts_no_second_batch(
    studio, producer, episode
):
    use_provider(episode, "veo", budget="100")
    client = api(token_for(producer, studio))
    body = {"confirmed_total": "19.20"}

    first = _post(client, f"/episodes/{episode.pk}/takes", body, "retry-after-timeout")
    again = _post(client, f"/episodes/{episode.pk}/takes", body, "retry-after-timeout")

    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ApiBatch.objects.count() == 1
    assert Take.objects.count() == 6
    # Without the key, the same request is a new one: the door refuses scenes already busy.
    fresh = _post(client, f"/episodes/{episode.pk}/takes", body)
    assert fresh.status_code == 409 and fresh.json()["code"] == "nothing-started"
    assert Take.objects.count() == 6


def test_a_key_reused_for_another_request_is_refused(studio, writer, episode):
    client = api(token_for(writer, studio))
    scenes = list(episode.scenes.values_list("pk", flat=True))
    first = _post(client, f"/episodes/{episode.pk}/takes",
                  {"confirmed_total": "0.00", "scene_ids": scenes[:1]}, "same")  # fmt: skip
    assert first.status_code == 202
    other = _post(client, f"/episodes/{episode.pk}/takes",
                  {"confirmed_total": "0.00", "scene_ids": scenes[1:2]}, "same")  # fmt: skip
    assert other.status_code == 422 and other.json()["code"] == "idempotency-key-reused"
    assert Take.objects.count() == 1


def test_keys_are_per_token(studio, producer, writer, episode):
    scenes = list(episode.scenes.values_list("pk", flat=True))
    body = {"confirmed_total": "0.00", "scene_ids": scenes[:1]}
    assert _post(api(token_for(writer, studio)), f"/episodes/{episode.pk}/takes", body,
                 "k").status_code == 202  # fmt: skip
    second = _post(api(token_for(producer, studio)), f"/episodes/{episode.pk}/takes", body, "k")
    assert second.status_code == 409  # asked anew: the scene is busy now
    assert IdempotentAnswer.objects.count() == 1


def test_writers_may_not_start_paid_batches(studio, writer, episode):
    use_provider(episode, "veo")
    client = api(token_for(writer, studio))
    refused = _post(client, f"/episodes/{episode.pk}/takes", {"confirmed_total": "19.20"}, "w")
    assert refused.status_code == 403
    assert "needs a producer or an owner" in refused.json()["detail"]
    assert not Take.objects.exists() and not IdempotentAnswer.objects.exists()


def test_the_doors_refusals_come_back_per_scene(studio, producer, episode):
    use_provider(episode, "veo", budget="5")
    client = api(token_for(producer, studio))
    over = _post(client, f"/episodes/{episode.pk}/takes/estimate", {}).json()
    assert over["scenes"] == [] and {r["code"] for r in over["refused"]} == {"budget"}
    assert all(r["reason"] for r in over["refused"])


def test_bad_input_is_a_problem_with_field_errors_never_a_500(studio, producer, episode):
    client = api(token_for(producer, studio))
    for body in ('{"confirmed_total": "abc"}', "{not json", '{"scene_ids": "x"}', "[]"):
        answer = client.post(f"/api/v1/episodes/{episode.pk}/takes", body,
                             content_type="application/json")  # fmt: skip
        assert answer.status_code in (400, 422), body
        assert answer["Content-Type"] == "application/problem+json"
    fields = client.post(f"/api/v1/episodes/{episode.pk}/takes", '{"confirmed_total": "abc"}',
                         content_type="application/json").json()  # fmt: skip
    assert fields["errors"][0]["field"] == "confirmed_total"


def test_a_nul_character_is_refused_by_the_schema_before_the_database(studio, writer, episode):
    client = api(token_for(writer, studio))
    body = json.dumps({"text": "INT. A - DAY\n\nHi\u0000there."})
    answer = client.post(f"/api/v1/episodes/{episode.pk}/script/preview", body,
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "text"
    assert client.get("/api/v1/characters/a%00b").status_code == 422
    assert client.get(f"/api/v1/episodes/{episode.pk}/takes?review_status=%00").status_code == 422
