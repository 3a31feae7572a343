"""Slots, the card's live note and resolving a take that needs attention."""

from __future__ import annotations

from functools import partial

import pytest
import redis
from django.conf import settings as django_settings

from generation.models import GenerationStatus, Take
from generation.takes import slots
from projects.models import Scene
from tests.waiting import wait_for


def _take(scene: Scene, user, **fields) -> Take:  # type: ignore[no-untyped-def]
    return Take.objects.create(
        scene=scene, number=fields.pop("number", 1), requested_by=user, provider="animatic",
        prompt="p", duration_seconds=4, width=720, height=1280, **fields,
    )  # fmt: skip


def _redis_lost(credential_id: int) -> None:
    """What a Redis restarted without its data knows of the credential: nothing."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    keys = ("slots", "slots-seeded", "waiting", "pace")
    client.delete(*(f"generation:{key}:{credential_id}" for key in keys))


@pytest.fixture(autouse=True)
def clean_slots(settings):  # type: ignore[no-untyped-def]
    """CI's Redis outlives a run: start these credentials' slots empty."""
    for credential_id in (900001, 900002):
        _redis_lost(credential_id)


def _nobody() -> list[int]:
    return []


@pytest.mark.django_db  # a missing slot set is re-seeded from takes in flight
def test_a_slot_whose_holder_died_frees_itself_when_its_lease_expires(settings):
    settings.COMICSTUDIO_SLOT_LEASE_SECONDS = 1
    credential_id = 900001
    assert slots.acquire(credential_id, 1, limit=1, holders=_nobody)
    assert slots.acquire(
        credential_id, 1, limit=1, holders=_nobody
    )  # the holder again: still its slot
    assert not slots.acquire(credential_id, 2, limit=1, holders=_nobody)

    wait_for(
        lambda: slots.acquire(credential_id, 2, limit=1, holders=_nobody),
        timeout=10,
        what="the lease",
    )
    assert slots.in_use(credential_id) == 1


@pytest.mark.django_db  # a missing slot set is re-seeded from takes in flight
def test_a_released_slot_wakes_the_longest_waiting_take_once(settings):
    credential_id = 900002
    assert slots.acquire(credential_id, 1, limit=1, holders=_nobody)
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
    from generation.models import GenerationStatus, slot_holders
    from generation.takes.slots import acquire
    from tests.factories import make_take

    credential = ProviderCredential.objects.create(
        studio=episode.project.studio, provider="openai", concurrency_limit=2
    )
    first, second, third = list(episode.scenes.order_by("position"))[:3]
    for scene in (first, second):
        make_take(scene, writer, credential=credential, generation_status=GenerationStatus.RUNNING)
    newcomer = make_take(third, writer, credential=credential)
    _redis_lost(credential.pk)

    # The slot set is gone (Redis restarted empty): the two running takes still count.
    holders = partial(slot_holders, credential.pk)
    assert acquire(credential.pk, newcomer.pk, limit=2, holders=holders) is False


@pytest.mark.django_db
def test_a_poll_renewing_its_slot_after_redis_lost_the_set_keeps_the_others_counted(
    episode, writer
):
    from generation.credentials import ProviderCredential
    from generation.models import GenerationStatus, slot_holders
    from tests.factories import make_take

    credential = ProviderCredential.objects.create(
        studio=episode.project.studio, provider="openai", concurrency_limit=2
    )
    first, second, third = list(episode.scenes.order_by("position"))[:3]
    running = [
        make_take(scene, writer, credential=credential, generation_status=GenerationStatus.RUNNING)
        for scene in (first, second)
    ]
    newcomer = make_take(third, writer, credential=credential)
    holders = partial(slot_holders, credential.pk)
    _redis_lost(credential.pk)

    # Redis restarted empty; the first thing to touch the set is a poll renewing its lease.
    slots.renew(credential.pk, running[0].pk, holders=holders)

    assert not slots.acquire(credential.pk, newcomer.pk, limit=2, holders=holders)
    assert slots.in_use(credential.pk) == 2


@pytest.mark.django_db
def test_a_stalled_take_whose_job_runs_still_holds_a_slot_after_redis_lost_the_set(episode, writer):
    from generation.credentials import ProviderCredential
    from generation.models import GenerationStatus, slot_holders
    from tests.factories import make_take

    credential = ProviderCredential.objects.create(
        studio=episode.project.studio, provider="openai", concurrency_limit=1
    )
    first, second = list(episode.scenes.order_by("position"))[:2]
    make_take(first, writer, credential=credential, provider_job_id="video_1",
              generation_status=GenerationStatus.STALLED)  # fmt: skip
    newcomer = make_take(second, writer, credential=credential)

    holders = partial(slot_holders, credential.pk)
    _redis_lost(credential.pk)
    assert not slots.acquire(credential.pk, newcomer.pk, limit=1, holders=holders)


@pytest.mark.django_db
def test_the_providers_page_shows_a_credential_slowed_by_429s_and_refused_connections(
    client, studio, owner
):
    from generation.credentials import ProviderCredential

    credential = ProviderCredential(studio=studio, provider="openai", concurrency_limit=4)
    credential.set_api_key("sk-test-pace-0001")
    credential.save()
    _redis_lost(credential.pk)
    slots.slow_down(credential.pk, limit=4)
    slots.count_retry(credential.pk, "connection")
    client.force_login(owner)

    page = client.get(f"/studios/{studio.pk}/providers/").content.decode()

    row = page[page.index(f'id="credential-{credential.pk}"') :]
    assert '4 <span class="meta">(slowed to 2 after 429s)</span>' in row
    assert "<td>1</td>" in row.split("</tr>")[0]
