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


def _bell_socket(user):  # type: ignore[no-untyped-def]
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from comicstudio.asgi import application

    headers = [(b"origin", b"http://127.0.0.1")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def test_the_top_bar_opens_the_bells_socket(client, writer):
    client.force_login(writer)
    page = client.get(reverse("generation:home")).content.decode()
    assert 'ws-connect="/ws/notifications/"' in page and "every 30s" not in page
    assert 'aria-label="Notifications: 0 unread"' in page


@pytest.mark.django_db(transaction=True)
def test_a_new_notification_and_reading_them_reach_the_open_bell_live(episode, writer, reviewer):
    from asgiref.sync import sync_to_async

    from generation.review.notifications import mark_read
    from tests.test_live import run

    take = episode_of(episode, 1, writer)[0].takes.get()
    mine, theirs = _bell_socket(writer), _bell_socket(reviewer)

    async def scenario():
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        first = await mine.receive_from(timeout=5)  # the bell as it is, on connect
        await theirs.receive_from(timeout=5)
        await sync_to_async(add_comment)(
            take=take, author=reviewer, at_seconds=Decimal(0), text="@wendy_writer look"
        )
        pushed = await mine.receive_from(timeout=5)
        await sync_to_async(mark_read)(writer)
        read = await mine.receive_from(timeout=5)
        others_quiet = await theirs.receive_nothing(timeout=0.3)
        await mine.disconnect()
        await theirs.disconnect()
        return first, pushed, read, others_quiet

    first, pushed, read, others_quiet = run(scenario)
    assert first.lstrip().startswith('<a id="bell"') and 'class="count">0<' in first
    assert 'aria-label="Notifications: 1 unread"' in pushed and 'class="count">1<' in pushed
    assert 'class="count">0<' in read
    assert others_quiet  # the reviewer's bell heard nothing about the writer's notice


@pytest.mark.django_db(transaction=True)
def test_a_signed_out_visitor_gets_no_bell_socket():
    from tests.test_live import run

    socket = _bell_socket(None)

    async def scenario():
        return (await socket.connect())[0]

    assert run(scenario) is False


def test_a_signed_out_bell_is_left_alone(client):
    response = client.get(reverse("generation:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.content == b""


def test_a_writer_asks_for_a_review_and_only_the_projects_reviewers_hear_once(
    client, episode, writer, reviewer, owner, producer, viewer, studio
):
    from django.contrib.auth.models import User

    from projects.models import Role

    episode_of(episode, 2, writer)
    outside_team = User.objects.create_user("tom_teamless", email="t@example.test")
    Membership.objects.create(user=outside_team, studio=studio, role=Role.REVIEWER)
    episode.project.team.set([writer, reviewer])  # owners always see; tom does not
    client.force_login(writer)

    response = client.post(reverse("generation:request_review", args=[episode.pk]))

    assert response.status_code == 200
    assert "Review requested: 2 reviewers told." in response.content.decode()
    assert _kinds(reviewer) == ["review_requested"] and _kinds(owner) == ["review_requested"]
    for nobody in (writer, producer, viewer, outside_team):
        assert _kinds(nobody) == []
    notice = Notification.objects.get(recipient=reviewer)
    assert "wendy_writer asks for a review of episode 1, Soup: 2 scenes waiting." == notice.text


def test_asking_for_a_review_with_nothing_waiting_or_as_a_reviewer_is_refused(
    client, episode, writer, reviewer
):
    (take,) = [s.takes.get() for s in episode_of(episode, 1, writer)]
    record_review(take=take, author=reviewer, action="approve")
    client.force_login(writer)
    response = client.post(reverse("generation:request_review", args=[episode.pk]))
    assert response.status_code == 409
    assert "No scene of this episode waits for review." in response.content.decode()
    client.force_login(reviewer)
    refused = client.post(reverse("generation:request_review", args=[episode.pk]))
    assert refused.status_code == 403 and "ask for reviews" in refused.content.decode()
    assert not Notification.objects.filter(kind="review_requested").exists()


def test_a_member_outside_the_projects_team_is_not_told_of_a_mention(
    episode, writer, reviewer, studio
):
    from django.contrib.auth.models import User

    from projects.models import Role

    take = episode_of(episode, 1, writer)[0].takes.get()
    outside = User.objects.create_user("olaf_outside", email="o@example.test")
    Membership.objects.create(user=outside, studio=studio, role=Role.WRITER)
    episode.project.team.set([writer, reviewer])

    add_comment(take=take, author=reviewer, at_seconds=Decimal(0),
                text="@olaf_outside and @wendy_writer, look")  # fmt: skip

    assert _kinds(writer) == ["mention"]
    assert _kinds(outside) == []  # a studio member, but the project is not theirs to see


def test_a_notice_on_a_scene_the_user_can_no_longer_see_is_not_counted(
    client, episode, writer, reviewer, owner
):
    take = episode_of(episode, 1, writer)[0].takes.get()
    add_comment(take=take, author=reviewer, at_seconds=Decimal(0), text="@wendy_writer look")
    client.force_login(writer)
    assert 'aria-label="Notifications: 1 unread"' in client.get(reverse("generation:home")).text

    episode.project.team.set([reviewer])  # the writer is taken off the project's team

    page = client.get(reverse("generation:notifications")).content.decode()
    assert "mentioned you" not in page  # the list leaves it out …
    assert 'aria-label="Notifications: 0 unread"' in page  # … and the bell does not count it
    bell = client.get(reverse("generation:bell")).content.decode()
    assert "0 unread" in bell
    assert Notification.objects.filter(recipient=writer, read_at=None).count() == 1  # kept
