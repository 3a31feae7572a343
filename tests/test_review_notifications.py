"""Review notifications: each kind once, to the right people only, muted kinds not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from generation.review.comments import add_comment
from generation.review.models import Notification
from generation.review.services import record_review
from projects.models import Membership
from tests.review_world import episode_of

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_the_writer_hears_once_that_their_take_needs_changes(
    episode, writer, reviewer, owner, django_capture_on_commit_callbacks
):
    writer.email = "wendy@example.test"
    writer.save()
    take = episode_of(episode, 1, writer)[0].takes.get()

    with django_capture_on_commit_callbacks(execute=True):
        record_review(take=take, author=reviewer, action="request_changes",
                      reason_code="style", note="Too dark.")  # fmt: skip

    assert _kinds(writer) == ["changes"]
    assert _kinds(owner) == [] and _kinds(reviewer) == []
    assert [m.to for m in mail.outbox] == [["wendy@example.test"]]
    assert "changes requested by rita_reviewer" in mail.outbox[0].body


def test_a_mention_reaches_only_the_member_named(episode, writer, reviewer, viewer, outsider):
    take = episode_of(episode, 1, writer)[0].takes.get()

    add_comment(take=take, author=writer, at_seconds=Decimal(1),
                text="@rita_reviewer and @otto_outsider: see 0:01")  # fmt: skip

    assert _kinds(reviewer) == ["mention"]
    assert _kinds(outsider) == [] and _kinds(viewer) == [] and _kinds(writer) == []


def test_an_approved_episode_reaches_its_owners_and_producers_once(
    episode, writer, reviewer, owner, producer
):
    scenes = episode_of(episode, 2, writer)
    record_review(take=scenes[0].takes.get(), author=reviewer, action="approve")
    assert _kinds(owner) == []

    record_review(take=scenes[1].takes.get(), author=reviewer, action="approve")

    assert _kinds(owner) == ["episode_approved"] and _kinds(producer) == ["episode_approved"]
    assert _kinds(writer) == [] and _kinds(reviewer) == []


def test_a_muted_kind_is_not_sent(client, episode, writer, reviewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    client.force_login(writer)
    client.post(reverse("generation:notification_settings"), {"muted": ["changes"]})

    record_review(take=take, author=reviewer, action="reject", reason_code="story", note="No.")

    assert _kinds(writer) == []


def test_no_notice_about_a_scene_of_a_studio_the_user_left(episode, writer, reviewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    Membership.objects.filter(user=writer).delete()

    record_review(take=take, author=reviewer, action="reject", reason_code="story", note="No.")

    assert _kinds(writer) == []


def test_the_bell_counts_unread_and_the_list_marks_them_read(client, episode, writer, reviewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    add_comment(take=take, author=reviewer, at_seconds=Decimal(0), text="@wendy_writer look")
    client.force_login(writer)

    page = client.get(reverse("generation:notifications")).content.decode()
    assert 'aria-label="Notifications: 1 unread"' in page
    assert "rita_reviewer mentioned you on scene 1" in page

    client.post(reverse("generation:read_notifications"))
    page = client.get(reverse("generation:home")).content.decode()
    assert 'aria-label="Notifications: 0 unread"' in page


def test_bad_mute_settings_are_refused_with_a_message(client, writer):
    client.force_login(writer)
    response = client.post(reverse("generation:notification_settings"), {"muted": ["bogus"]},
                           follow=True)  # fmt: skip
    assert "could not be saved" in response.content.decode()
    assert not writer.notification_mutes.exists()


def test_the_bell_refreshes_its_count_without_a_page_load(client, episode, writer, reviewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    client.force_login(writer)
    page = client.get(reverse("generation:home")).content.decode()
    bell = reverse("generation:bell")
    assert f'hx-get="{bell}" hx-trigger="every 30s"' in page  # the top bar polls it
    assert 'aria-label="Notifications: 0 unread"' in page

    add_comment(take=take, author=reviewer, at_seconds=Decimal(0), text="@wendy_writer look")
    response = client.get(bell, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<a id="bell"') and "<html" not in body
    assert 'aria-label="Notifications: 1 unread"' in body and 'class="count">1<' in body


def test_a_signed_out_bell_is_left_alone(client):
    response = client.get(reverse("generation:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.content == b""
