"""The episode's review dashboard: what it counts, its chart and its CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from generation.models import Take
from generation.review.services import record_review
from tests.review_world import episode_of, finished_take

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_statuses_retakes_reasons_and_spend_with_rejected_takes(
    client, episode, writer, reviewer, viewer
):
    scenes = episode_of(episode, 3, writer)
    first = scenes[0].takes.get()
    record_review(take=first, author=reviewer, action="reject", reason_code="continuity",
                  note="Cup moved.")  # fmt: skip
    second = finished_take(scenes[0], writer, number=2)
    record_review(take=second, author=reviewer, action="approve")
    Take.objects.filter(pk__in=[first.pk, second.pk]).update(cost=Decimal("1.25"))
    scenes[1].heading = "=HYPERLINK(evil)"
    scenes[1].save()
    client.force_login(viewer)

    page = client.get(reverse("generation:review_dashboard", args=[episode.pk])).content.decode()

    assert "1 of 3 scenes approved · 1 retake · spent 2.50 USD" in page
    assert 'data-status="approved" data-count="1"' in page
    assert 'data-status="needs_review" data-count="2"' in page
    assert "Continuity ×1" in page
    response = client.get(reverse("generation:review_dashboard_csv", args=[episode.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["scene", "heading", "status", "takes"]
    assert rows[1][2:8] == ["Approved", "2", "1", "Continuity ×1", "2.50", "rita_reviewer"]
    assert rows[2][1] == "'=HYPERLINK(evil)"  # never a formula in a spreadsheet


def test_an_outsider_cannot_see_the_dashboard(client, episode, outsider):
    client.force_login(outsider)
    assert client.get(reverse("generation:review_dashboard", args=[episode.pk])).status_code == 404
    csv_url = reverse("generation:review_dashboard_csv", args=[episode.pk])
    assert client.get(csv_url).status_code == 404


def test_the_project_page_links_each_episode_to_its_review_room_and_dashboard(
    client, episode, viewer
):
    client.force_login(viewer)
    page = client.get(reverse("generation:project", args=[episode.project_id])).content.decode()
    assert reverse("generation:review_dashboard", args=[episode.pk]) in page
    assert reverse("generation:review_room", args=[episode.pk]) in page
