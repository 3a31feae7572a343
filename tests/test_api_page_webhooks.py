"""Webhooks hear of the batches and exports their user starts on the pages too (a real
worker delivers them); other members' work is not theirs to hear of."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from generation.api.models import ApiBatch
from generation.export.models import Export
from tests.api_world import api, token_for
from tests.test_api_live import Receiver
from tests.waiting import wait_for


def _register(user, studio, url: str) -> dict:  # type: ignore[no-untyped-def]
    client = api(token_for(user, studio))
    made = client.post("/api/v1/webhooks", json.dumps({"url": url}),
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    return made.json()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_generate_all_on_the_storyboard_is_told_to_its_users_webhook(
    studio, writer, producer, episode, celery_worker, settings
):
    settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = True
    first, second = episode.scenes.order_by("position")[:2]
    browser = Client()
    browser.force_login(producer)  # no webhook: the producer's batch is watched for nobody
    browser.post(reverse("generation:generate_all", args=[episode.pk]), {"scene": [second.pk]})
    assert not ApiBatch.objects.exists()

    with Receiver() as receiver:
        _register(writer, studio, receiver.url)
        browser.force_login(writer)
        page = browser.post(
            reverse("generation:generate_all", args=[episode.pk]),
            {"scene": [first.pk]},
            headers={"HX-Request": "true"},
        )
        assert page.status_code == 200 and "1 scene(s) queued" in page.content.decode()
        wait_for(lambda: receiver.seen, timeout=90, what="the page batch's webhook")
    event = json.loads(receiver.seen[0][1])
    assert event["type"] == "batch.finished" and event["episode_id"] == episode.pk
    assert [t["scene_id"] for t in event["takes"]] == [first.pk]
    assert event["takes"][0]["generation_status"] == "succeeded"
    batch = ApiBatch.objects.get()
    assert batch.requested_by == writer and batch.pk == event["batch_id"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_export_started_on_the_export_page_is_told_to_its_users_webhook(
    studio, producer, episode, celery_worker, settings
):
    settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = True
    browser = Client()
    browser.force_login(producer)
    with Receiver() as receiver:
        _register(producer, studio, receiver.url)
        started = browser.post(
            reverse("generation:start_export", args=[episode.pk]),
            {"kind": "draft", "title_card": "0", "end_card": "0"},
        )
        assert started.status_code == 302 and "/exports/" in started["Location"]
        export = Export.objects.get()
        wait_for(lambda: receiver.seen, timeout=120, what="the page export's webhook")
    event = json.loads(receiver.seen[0][1])
    export.refresh_from_db()
    assert event == {"type": "export.finished", "export_id": export.pk,
                     "episode_id": episode.pk, "status": export.status}  # fmt: skip
