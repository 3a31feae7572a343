"""Provider credentials, costs, take actions and webhooks, as users and providers see them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from decimal import Decimal

import pytest

from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import GenerationStatus, ReviewStatus, Take
from tests.factories import request_takes
from tests.project_settings import settings_form
from tests.providers import SECRET_KEY, add_credential, all_final, batch_episode, scenes_of
from tests.waiting import wait_for

CREDENTIAL_FORM = {
    "provider": "openai",
    "api_key": SECRET_KEY,
    "base_url": "https://videos.example.test/v1",
    "default_model": "sora-2-pro",
    "concurrency_limit": "6",
    "stall_seconds": "600",
    "webhook_secret": "",
}


@pytest.mark.django_db
def test_an_owner_enters_a_key_that_is_stored_sealed_and_shown_only_by_its_last_four(
    client, studio, owner
):
    client.force_login(owner)
    url = f"/studios/{studio.pk}/providers/"

    response = client.post(url, CREDENTIAL_FORM, follow=True)

    page = response.content.decode()
    assert "••••7781" in page and SECRET_KEY not in page
    credential = ProviderCredential.objects.get(studio=studio)
    assert SECRET_KEY not in credential.api_key_sealed
    assert credential.config().api_key == SECRET_KEY
    assert (credential.default_model, credential.concurrency_limit) == ("sora-2-pro", 6)
    assert SECRET_KEY not in repr(credential) and SECRET_KEY not in repr(credential.config())


@pytest.mark.django_db
def test_saving_again_without_a_key_keeps_the_stored_one(client, studio, owner):
    client.force_login(owner)
    url = f"/studios/{studio.pk}/providers/"
    client.post(url, CREDENTIAL_FORM)

    client.post(url, {**CREDENTIAL_FORM, "api_key": "", "concurrency_limit": "2"})

    credential = ProviderCredential.objects.get(studio=studio)
    assert credential.config().api_key == SECRET_KEY and credential.concurrency_limit == 2


@pytest.mark.django_db
def test_a_new_credential_without_a_key_is_refused_with_a_message(client, studio, owner):
    client.force_login(owner)
    response = client.post(f"/studios/{studio.pk}/providers/", {**CREDENTIAL_FORM, "api_key": ""})
    assert response.status_code == 400
    assert "a new credential needs one" in response.content.decode()
    assert not ProviderCredential.objects.exists()


@pytest.mark.django_db
def test_only_owners_manage_credentials_and_outsiders_do_not_learn_the_studio_exists(
    client, studio, producer, outsider
):
    url = f"/studios/{studio.pk}/providers/"
    client.force_login(producer)
    assert client.get(url).status_code == 403
    assert client.post(url, CREDENTIAL_FORM).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/studios/{studio.pk}/costs/").status_code == 404
    assert not ProviderCredential.objects.exists()


@pytest.mark.django_db
def test_generating_without_a_credential_is_refused_and_the_animatic_needs_none(studio, writer):
    from generation.services import GenerationRefused

    episode = batch_episode(studio, writer, ["A door opens."])
    with pytest.raises(GenerationRefused, match="no credential for the provider 'openai'"):
        request_takes(scenes=scenes_of(episode), requested_by=writer)
    assert not Take.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_wrong_key_never_appears_in_logs_errors_or_pages(
    client, studio, owner, writer, fake, fast_engine, celery_worker, caplog
):
    revoked = "sk-revoked-DoNotLeakThis-4242"
    add_credential(studio, fake, api_key=revoked)
    caplog.set_level(logging.DEBUG)
    episode = batch_episode(studio, writer, ["A locked door."])

    takes = request_takes(scenes=scenes_of(episode), requested_by=writer)
    wait_for(lambda: all_final(takes), what="the take to fail")

    (take,) = takes
    assert take.generation_status == GenerationStatus.FAILED
    assert "refused this studio's credential (401)" in take.error
    sent = {k.lower(): v for k, v in fake.requests[-1].headers.items()}
    assert sent["authorization"] == f"Bearer {revoked}"  # it was sent, and refused
    client.force_login(owner)
    pages = [
        client.get(f"/scenes/{take.scene_id}/review/").content.decode(),
        client.get(f"/studios/{studio.pk}/providers/").content.decode(),
        client.get(f"/episodes/{episode.pk}/").content.decode(),
    ]
    for text in [caplog.text, take.error, *pages]:
        assert revoked not in text and "DoNotLeakThis" not in text


@pytest.mark.django_db
def test_a_viewer_cannot_cancel_or_resubmit_and_an_outsider_gets_404(
    client, studio, writer, viewer, outsider, episode
):
    scene = scenes_of(episode)[0]
    take = Take.objects.create(
        scene=scene, number=1, requested_by=writer, provider="animatic", prompt="p",
        duration_seconds=4, width=720, height=1280,
    )  # fmt: skip
    client.force_login(viewer)
    assert client.post(f"/takes/{take.pk}/cancel/").status_code == 403
    assert client.post(f"/takes/{take.pk}/resubmit/").status_code == 403
    client.force_login(outsider)
    assert client.post(f"/takes/{take.pk}/cancel/").status_code == 404
    take.refresh_from_db()
    assert take.generation_status == GenerationStatus.QUEUED


@pytest.mark.django_db
def test_a_writer_cancels_a_queued_take_from_the_review_page(client, studio, writer, episode):
    scene = scenes_of(episode)[0]
    take = Take.objects.create(
        scene=scene, number=1, requested_by=writer, provider="animatic", prompt="p",
        duration_seconds=4, width=720, height=1280,
    )  # fmt: skip
    client.force_login(writer)
    assert "Cancel take" in client.get(f"/scenes/{scene.pk}/review/").content.decode()

    page = client.post(f"/takes/{take.pk}/cancel/", follow=True).content.decode()

    take.refresh_from_db()
    assert take.generation_status == GenerationStatus.CANCELLED
    assert f"Cancelled by {writer.username}." in page
    assert "Resubmit" in page


@pytest.mark.django_db
def test_the_costs_page_sums_per_episode_and_project_including_rejected_takes(
    client, studio, writer, viewer, episode
):
    scenes = scenes_of(episode)
    for number, (scene, cost, review) in enumerate(
        [(scenes[0], "1.20", ReviewStatus.APPROVED), (scenes[1], "0.80", ReviewStatus.REJECTED)],
        start=1,
    ):
        Take.objects.create(
            scene=scene, number=number, requested_by=writer, provider="openai", prompt="p",
            duration_seconds=4, width=720, height=1280, cost=Decimal(cost), review_status=review,
            generation_status=GenerationStatus.SUCCEEDED,
        )  # fmt: skip
    client.force_login(viewer)

    page = client.get(f"/studios/{studio.pk}/costs/").content.decode()

    assert "All projects: <b>$2.00</b> over 2 takes" in page
    assert "<td>Soup Stories</td><td>2</td><td>$2.00</td><td>$0.80</td>" in page


def _signed(secret: str, body: bytes) -> dict[str, str]:
    webhook_id, timestamp = "wh_test_1", str(int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.{body.decode()}".encode()
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "HTTP_WEBHOOK_ID": webhook_id,
        "HTTP_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_WEBHOOK_SIGNATURE": f"v1,{signature}",
    }


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_signed_video_completed_webhook_ends_the_take_without_waiting_for_a_poll(
    client, studio, writer, fake, fast_engine, celery_worker
):
    fast_engine.COMICSTUDIO_WEBHOOK_POLL_SECONDS = 120  # polling alone would not finish it
    secret = "whsec_" + base64.b64encode(b"a-test-webhook-secret-32-bytes!!").decode()
    credential = add_credential(studio, fake)
    credential.set_webhook_secret(secret)
    credential.save()
    episode = batch_episode(studio, writer, ["A bell rings."])
    (take,) = request_takes(scenes=scenes_of(episode), requested_by=writer)
    wait_for(lambda: take.refresh_from_db() or take.provider_job_id, what="the job id")
    job = fake.jobs[take.provider_job_id]
    wait_for(lambda: fake.state_of(job)[0] == "completed", what="the provider to finish")
    event = {"id": "evt_1", "object": "event", "created_at": int(time.time())}
    event |= {"type": "video.completed", "data": {"id": take.provider_job_id}}
    body = json.dumps(event).encode()
    url = f"/webhooks/openai/{credential.pk}/"

    wrong = "whsec_" + base64.b64encode(b"x" * 32).decode()
    forged = client.post(url, body, content_type="application/json", **_signed(wrong, body))
    assert forged.status_code == 400
    accepted = client.post(url, body, content_type="application/json", **_signed(secret, body))
    assert accepted.status_code == 204

    wait_for(lambda: all_final([take]), timeout=30, what="the take to finish after the webhook")
    assert take.generation_status == GenerationStatus.SUCCEEDED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_take_failing_for_availability_falls_back_automatically_where_the_project_says_so(
    studio, writer, fake, fast_engine, celery_worker
):
    fast_engine.COMICSTUDIO_MAX_RETRIES = 1
    add_credential(studio, fake)
    fake.fail_next_creates(5, status=503, retry_after=None)
    episode = batch_episode(studio, writer, ["A storm."])
    ProjectGenerationSettings.objects.create(
        project=episode.project, fallback_provider="animatic", auto_fallback=True
    )
    (failed,) = request_takes(scenes=scenes_of(episode), requested_by=writer)

    def fallback_take():  # type: ignore[no-untyped-def]
        return Take.objects.filter(scene=failed.scene, provider="animatic").first()

    fallback = wait_for(fallback_take, timeout=60, what="the fallback take")
    wait_for(lambda: all_final([failed, fallback]), timeout=90, what="both takes to end")
    assert failed.generation_status == GenerationStatus.FAILED
    assert fallback.generation_status == GenerationStatus.SUCCEEDED
    assert fallback.replaces == failed


@pytest.mark.django_db
def test_a_producer_picks_the_provider_and_fallback_and_a_writer_cannot(
    client, studio, owner, producer, writer, episode, fake
):
    url = f"/projects/{episode.project_id}/settings/"
    choice = settings_form(
        episode.project, provider="openai", fallback_provider="animatic", auto_fallback="on"
    )
    client.force_login(producer)

    refused = client.post(url, choice)
    assert refused.status_code == 400
    assert "no credential for the provider &#x27;openai&#x27;" in refused.content.decode()

    add_credential(studio, fake)
    assert client.post(url, choice).status_code == 302
    episode.project.refresh_from_db()
    assert episode.project.provider == "openai"
    assert episode.project.generation_settings.auto_fallback is True

    client.force_login(writer)
    assert client.get(url).status_code == 200
    assert client.post(url, {**choice, "auto_fallback": ""}).status_code == 403
    # The old address leads to the merged settings page.
    old = client.get(f"/projects/{episode.project_id}/generation-settings/")
    assert old.status_code == 302 and old["Location"] == url
