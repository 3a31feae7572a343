"""The project's activity page: decisions, comments, generations and cancellations, with who."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from generation.models import GenerationStatus
from generation.review.comments import add_comment
from generation.review.services import record_review
from generation.services import cancel_take
from tests.factories import make_take
from tests.review_world import episode_of

pytestmark = pytest.mark.django_db


def test_every_decision_comment_generation_and_cancellation_is_listed_newest_first(
    client, episode, writer, reviewer, viewer
):
    scene = episode_of(episode, 1, writer)[0]
    take = scene.takes.get()
    record_review(take=take, author=reviewer, action="request_changes", reason_code="style",
                  note="Too dark.")  # fmt: skip
    add_comment(take=take, author=writer, text="On it", at_seconds=Decimal("1.5"))
    running = make_take(scene, writer, number=2, generation_status=GenerationStatus.QUEUED)
    assert cancel_take(take=running, cancelled_by=writer)
    client.force_login(viewer)

    page = client.get(reverse("generation:project_activity", args=[episode.project_id]))

    html = page.content.decode()
    assert page.status_code == 200
    rows = [html.index(text) for text in (
        "take 2 cancelled. Cancelled by wendy_writer.",
        "asked for a take: take 2",
        "commented at 1.50 s on take 1: On it",
        "request changes take 1 (Style): Too dark.",
        "asked for a take: take 1",
    )]  # fmt: skip
    assert rows == sorted(rows)  # newest first
    assert "rita_reviewer" in html and "wendy_writer" in html


def test_outsiders_do_not_see_the_activity(client, episode, outsider):
    client.force_login(outsider)
    url = reverse("generation:project_activity", args=[episode.project_id])
    assert client.get(url).status_code == 404
