"""A producer's "Allow one more take" past the project's retake cap, from the review room."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.models import ReviewAction, ReviewDecision
from generation.review.services import record_review
from projects.models import Project
from tests.review_world import episode_of

pytestmark = pytest.mark.django_db

CAPPED = "Scene 1 has had its 1 take(s), the project&#x27;s cap per scene"


def _rejected_take(episode, writer, reviewer):  # type: ignore[no-untyped-def]
    Project.objects.filter(pk=episode.project_id).update(retake_cap=1)
    take = episode_of(episode, 1, writer)[0].takes.get()
    record_review(take=take, author=reviewer, action="reject", reason_code="style",
                  note="Too dark.")  # fmt: skip
    return take


def _room(take) -> str:  # type: ignore[no-untyped-def]
    return reverse("generation:review_room_scene", args=[take.scene.episode_id, take.scene_id])


def test_a_writer_is_refused_past_the_cap_then_allowed_once_after_a_producers_override(
    client, episode, writer, reviewer, producer
):
    take = _rejected_take(episode, writer, reviewer)
    client.force_login(writer)
    refused = client.post(reverse("generation:retake", args=[take.pk]))
    assert refused.status_code == 409 and CAPPED in refused.content.decode()
    assert "Allow one more take" not in client.get(_room(take)).content.decode()  # not a writer's

    client.force_login(producer)
    assert "Allow one more take" in client.get(_room(take)).content.decode()
    allowed = client.post(
        reverse("generation:allow_retake", args=[take.pk]), {"note": "One more for the light."}
    )
    assert allowed.status_code == 200
    assert "Scene 1 may have one more take." in allowed.content.decode()
    (entry,) = ReviewDecision.objects.filter(action=ReviewAction.ALLOW_RETAKE)
    assert (entry.author, entry.note) == (producer, "One more for the light.")
    page = client.get(_room(take)).content.decode()
    assert 'data-action="allow_retake"' in page and "One more for the light." in page  # the log
    assert "Allow one more take</button>" not in page  # the scene has a take left

    client.force_login(writer)
    started = client.post(reverse("generation:retake", args=[take.pk]))
    assert started.status_code == 200 and "Take 2 queued" in started.content.decode()
    take.scene.takes.filter(number=2).update(generation_status="failed")
    again = client.post(reverse("generation:retake", args=[take.pk]))
    assert again.status_code == 409 and CAPPED in again.content.decode()
    assert take.scene.takes.count() == 2


def test_the_override_needs_a_note_shown_on_the_stage(client, episode, writer, reviewer, owner):
    take = _rejected_take(episode, writer, reviewer)
    client.force_login(owner)

    response = client.post(reverse("generation:allow_retake", args=[take.pk]), {"note": " "})

    assert response.status_code == 400
    assert "Say why the scene may have one more take." in response.content.decode()
    assert not ReviewDecision.objects.filter(action=ReviewAction.ALLOW_RETAKE).exists()


@pytest.mark.parametrize("role", ["writer", "reviewer", "viewer"])
def test_only_producers_and_owners_override_the_cap(client, episode, writer, reviewer, role,
                                                    request):  # fmt: skip
    take = _rejected_take(episode, writer, reviewer)
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("generation:allow_retake", args=[take.pk]), {"note": "Please"})

    assert response.status_code == 403
    assert "Only a producer or owner can allow a take past the cap." in response.content.decode()
    assert not ReviewDecision.objects.filter(action=ReviewAction.ALLOW_RETAKE).exists()


def test_an_outsider_gets_404(client, episode, writer, reviewer, outsider):
    take = _rejected_take(episode, writer, reviewer)
    client.force_login(outsider)
    response = client.post(reverse("generation:allow_retake", args=[take.pk]), {"note": "x"})
    assert response.status_code == 404


def test_no_override_where_the_project_has_no_cap(client, episode, writer, producer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    client.force_login(producer)
    assert "Allow one more take" not in client.get(_room(take)).content.decode()

    response = client.post(reverse("generation:allow_retake", args=[take.pk]), {"note": "x"})

    assert response.status_code == 409
    assert "This project has no retake cap" in response.content.decode()
