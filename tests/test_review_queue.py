"""The studio-wide "My reviews" queue: who may open it and which scenes it lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.review.services import record_review
from projects.models import Episode, Project
from tests.review_world import episode_of

pytestmark = pytest.mark.django_db


def _queue(studio) -> str:  # type: ignore[no-untyped-def]
    return reverse("generation:my_reviews", args=[studio.pk])


def test_anonymous_is_sent_to_log_in(client, studio):
    response = client.get(_queue(studio))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_outsider_gets_404(client, studio, outsider):
    client.force_login(outsider)
    assert client.get(_queue(studio)).status_code == 404


@pytest.mark.parametrize("role", ["writer", "producer", "viewer"])
def test_members_who_do_not_review_are_refused_with_a_message(client, studio, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_queue(studio))
    assert response.status_code == 403
    assert "Only reviewers and owners have a review queue." in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "owner"])
def test_the_queue_lists_waiting_scenes_by_episode_linking_into_the_room(
    client, episode, writer, role, request
):
    user = request.getfixturevalue(role)
    scenes = episode_of(episode, 3, writer)
    record_review(take=scenes[0].takes.get(), author=user, action="approve")
    client.force_login(user)

    page = client.get(_queue(episode.project.studio)).content.decode()

    assert "2 scenes waiting for review" in page
    assert "Episode 1: Soup" in page
    room = reverse("generation:review_room_scene", args=[episode.pk, scenes[1].pk])
    assert f'href="{room}"' in page
    assert reverse("generation:review_room_scene", args=[episode.pk, scenes[0].pk]) not in page
    assert reverse("generation:my_reviews", args=[episode.project.studio_id]) in page  # top bar


def test_a_project_with_a_team_the_reviewer_is_not_in_stays_out(
    client, episode, writer, reviewer, owner
):
    episode_of(episode, 1, writer)
    hidden = Project.objects.create(studio=episode.project.studio, name="Secret Soup")
    hidden.team.add(writer)
    other = Episode.objects.create(project=hidden, number=1, title="Hush")
    episode_of(other, 1, writer)
    client.force_login(reviewer)

    page = client.get(_queue(episode.project.studio)).content.decode()

    assert "Episode 1: Soup" in page
    assert "Secret Soup" not in page and "Hush" not in page
    client.force_login(owner)  # owners see every project of their studio
    assert "Hush" in client.get(_queue(episode.project.studio)).content.decode()


def test_the_empty_queue_says_so(client, studio, reviewer):
    client.force_login(reviewer)
    page = client.get(_queue(studio)).content.decode()
    assert "Nothing waits for your review in Test Studio" in page
