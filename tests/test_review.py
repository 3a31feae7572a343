"""Review: an append-only log of decisions from which each take's review status follows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.board.status import card_take, scene_status
from generation.models import GenerationStatus, ReviewAction, ReviewDecision, ReviewStatus, Take
from generation.review.services import record_review
from generation.services import GenerationRefused
from tests.factories import make_take

pytestmark = pytest.mark.django_db


def _take(scene, user, number: int, status: str = GenerationStatus.SUCCEEDED) -> Take:  # type: ignore[no-untyped-def]
    return make_take(scene, user, number=number, generation_status=status)


def test_approving_a_take_supersedes_the_other_takes_of_the_scene(episode, writer, reviewer):
    scene = episode.scenes.first()
    first, second = _take(scene, writer, 1), _take(scene, writer, 2)
    record_review(take=first, author=reviewer, action=ReviewAction.APPROVE)

    record_review(take=second, author=reviewer, action=ReviewAction.APPROVE)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.review_status, second.review_status) == ("superseded", "approved")
    scene.refresh_from_db()
    assert scene_status(scene) == "approved" and card_take(scene) == second


def test_a_rejected_take_keeps_its_reason_in_the_log(episode, writer, reviewer):
    take = _take(episode.scenes.first(), writer, 1)

    record_review(
        take=take, author=reviewer, action=ReviewAction.REJECT,
        reason_code="motion_artifact", note="Hands melt at 0:02.",
    )  # fmt: skip

    take.refresh_from_db()
    assert take.review_status == ReviewStatus.REJECTED
    (decision,) = take.decisions.all()
    assert (decision.author, decision.reason_code, decision.note) == (
        reviewer, "motion_artifact", "Hands melt at 0:02.",
    )  # fmt: skip


def test_the_log_is_append_only(episode, writer, reviewer):
    take = _take(episode.scenes.first(), writer, 1)
    decision = record_review(take=take, author=reviewer, action=ReviewAction.APPROVE)
    decision.note = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        decision.save()
    record_review(take=take, author=reviewer, action=ReviewAction.REOPEN, note="Wrong cup.")
    assert [d.action for d in ReviewDecision.objects.filter(take=take)] == ["approve", "reopen"]
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED


def test_an_unfinished_take_cannot_be_approved(episode, writer, reviewer):
    take = _take(episode.scenes.first(), writer, 1, status=GenerationStatus.RUNNING)
    with pytest.raises(GenerationRefused):
        record_review(take=take, author=reviewer, action=ReviewAction.APPROVE)
    assert take.decisions.count() == 0


def test_rejecting_without_a_reason_is_refused_with_a_message(client, episode, writer, reviewer):
    take = _take(episode.scenes.first(), writer, 1)
    client.force_login(reviewer)

    response = client.post(reverse("generation:review_take", args=[take.pk]), {"action": "reject"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Pick a reason" in page and "Say what should change" in page
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED and take.decisions.count() == 0


def test_reviewer_approves_through_the_page(client, episode, writer, reviewer):
    take = _take(episode.scenes.first(), writer, 1)
    client.force_login(reviewer)

    response = client.post(
        reverse("generation:review_take", args=[take.pk]), {"action": "approve"}, follow=True
    )

    assert response.status_code == 200
    assert 'data-review-status="approved"' in response.content.decode()
