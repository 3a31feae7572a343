"""Slots, the card's live note and resolving a take that needs attention."""

from __future__ import annotations

import pytest
import redis

from generation.models import GenerationStatus, Take
from generation.takes import slots
from projects.models import Scene
from tests.waiting import wait_for


def _take(scene: Scene, user, **fields) -> Take:  # type: ignore[no-untyped-def]
    return Take.objects.create(
        scene=scene, number=fields.pop("number", 1), requested_by=user, provider="animatic",
        prompt="p", duration_seconds=4, width=720, height=1280, **fields,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def clean_slots(settings):  # type: ignore[no-untyped-def]
    """CI's Redis outlives a run: start these credentials' slots empty."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for credential_id in (900001, 900002):
        client.delete(f"generation:slots:{credential_id}", f"generation:waiting:{credential_id}")


@pytest.mark.django_db  # a missing slot set is re-seeded from takes in flight
def test_a_slot_whose_holder_died_frees_itself_when_its_lease_expires(settings):
    settings.COMICSTUDIO_SLOT_LEASE_SECONDS = 1
    credential_id = 900001
    assert slots.acquire(credential_id, 1, limit=1)
    assert slots.acquire(credential_id, 1, limit=1)  # the holder again: still its slot
    assert not slots.acquire(credential_id, 2, limit=1)

    wait_for(lambda: slots.acquire(credential_id, 2, limit=1), timeout=10, what="the lease")
    assert slots.in_use(credential_id) == 1


@pytest.mark.django_db  # a missing slot set is re-seeded from takes in flight
def test_a_released_slot_wakes_the_longest_waiting_take_once(settings):
    credential_id = 900002
    assert slots.acquire(credential_id, 1, limit=1)
    slots.wait(credential_id, 3, order=2.0)
    slots.wait(credential_id, 2, order=1.0)

    assert slots.release(credential_id, 1) == 2
    assert slots.release(credential_id, 1) is None  # released already: wakes nobody
    assert slots.release(credential_id, 9) is None


@pytest.mark.django_db
def test_the_storyboard_card_shows_what_a_take_is_waiting_for(client, writer, episode):
    scene = Scene.objects.filter(episode=episode).first()
    note = "The provider is busy (429): Rate limit reached for requests Retry 2 in 4 s."
    _take(scene, writer, status_note=note, retries=1)
    client.force_login(writer)

    page = client.get(f"/episodes/{episode.pk}/").content.decode()

    assert f"Queued — {note}" in page


@pytest.mark.django_db
def test_resubmitting_a_take_that_needs_attention_resolves_it_and_queues_a_new_one(
    client, writer, episode, django_capture_on_commit_callbacks
):
    scene = Scene.objects.filter(episode=episode).first()
    stuck = _take(scene, writer, generation_status=GenerationStatus.NEEDS_ATTENTION,
                  error="The provider may or may not have started this take …")  # fmt: skip
    client.force_login(writer)
    review = client.get(f"/scenes/{scene.pk}/review/").content.decode()
    assert "Resubmit" in review and "Cancel take" in review

    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/takes/{stuck.pk}/resubmit/")

    stuck.refresh_from_db()
    new = scene.takes.get(number=2)  # type: ignore[attr-defined]
    assert stuck.generation_status == GenerationStatus.CANCELLED
    assert stuck.error == f"Resolved by {writer.username}: resubmitted."
    assert new.generation_status == GenerationStatus.QUEUED and new.replaces == stuck


@pytest.mark.django_db
def test_after_redis_loses_the_slots_the_takes_still_in_flight_keep_theirs(episode, writer):
    from generation.credentials import ProviderCredential
    from generation.models import GenerationStatus
    from generation.takes.slots import acquire
    from tests.factories import make_take

    credential = ProviderCredential.objects.create(
        studio=episode.project.studio, provider="openai", concurrency_limit=2
    )
    first, second, third = list(episode.scenes.order_by("position"))[:3]
    for scene in (first, second):
        make_take(scene, writer, credential=credential, generation_status=GenerationStatus.RUNNING)
    newcomer = make_take(third, writer, credential=credential)

    # The slot set is gone (Redis restarted empty): the two running takes still count.
    assert acquire(credential.pk, newcomer.pk, limit=2) is False
