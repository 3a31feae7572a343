"""Time-pinned comments and the review room's live channel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from comicstudio.asgi import application
from generation.models import ReviewStatus
from generation.review.comments import add_comment
from generation.review.models import ReviewComment
from tests.review_world import episode_of
from tests.test_live import run


def _post(user, name: str, data: dict, **kwargs: int):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.post(reverse(f"generation:{name}", kwargs=kwargs), data)


@pytest.mark.django_db
def test_a_writer_comments_at_a_time_and_the_status_does_not_change(episode, writer):
    take = episode_of(episode, 1, writer)[0].takes.get()

    response = _post(writer, "comment_take", {"text": "Cup flips", "at_seconds": "2.0"},
                     take_id=take.pk)  # fmt: skip

    assert response.status_code == 200
    assert 'data-at="2.00"' in response.content.decode()
    (comment,) = ReviewComment.objects.all()
    assert (comment.author, comment.at_seconds, comment.text) == (
        writer,
        Decimal("2.00"),
        "Cup flips",
    )
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED and take.decisions.count() == 0


@pytest.mark.django_db
def test_a_viewer_cannot_comment(episode, writer, viewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    response = _post(viewer, "comment_take", {"text": "hm", "at_seconds": "1"}, take_id=take.pk)
    assert response.status_code == 403 and ReviewComment.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_or_bad_comment_is_refused_with_a_message(episode, writer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    for data in ({"text": "", "at_seconds": "1"}, {"text": "x", "at_seconds": "-3"},
                 {"text": "x", "at_seconds": "soon"}):  # fmt: skip
        response = _post(writer, "comment_take", data, take_id=take.pk)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
    assert ReviewComment.objects.count() == 0


@pytest.mark.django_db
def test_a_reply_keeps_its_threads_time_and_resolving_reopens(episode, writer, reviewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    first = add_comment(take=take, author=reviewer, text="Hands?", at_seconds=Decimal("1.2"))

    _post(writer, "comment_take", {"text": "Fixing", "at_seconds": "3", "parent": first.pk},
          take_id=take.pk)  # fmt: skip
    _post(writer, "resolve_comment", {"resolved": "1"}, comment_id=first.pk)

    reply = ReviewComment.objects.get(parent=first)
    assert reply.at_seconds == Decimal("1.20")
    first.refresh_from_db()
    assert first.is_resolved and first.resolved_by == writer
    _post(reviewer, "resolve_comment", {"resolved": "0"}, comment_id=first.pk)
    first.refresh_from_db()
    assert not first.is_resolved


@pytest.mark.django_db
def test_mentions_name_only_members_of_the_studio(episode, writer, reviewer, outsider):
    take = episode_of(episode, 1, writer)[0].takes.get()
    comment = add_comment(
        take=take, author=writer, at_seconds=Decimal(1),
        text="@rita_reviewer look; @otto_outsider and @nobody cannot be told",
    )  # fmt: skip
    assert [u.username for u in comment.mentions.all()] == ["rita_reviewer"]


@pytest.mark.django_db
def test_an_outsider_cannot_resolve_a_comment(episode, writer, outsider):
    take = episode_of(episode, 1, writer)[0].takes.get()
    comment = add_comment(take=take, author=writer, text="x", at_seconds=Decimal(0))
    assert (
        _post(outsider, "resolve_comment", {"resolved": "1"}, comment_id=comment.pk).status_code
        == 404
    )
    comment.refresh_from_db()
    assert not comment.is_resolved


def _room_socket(user, episode) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    headers = [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1")]
    path = f"/ws/episodes/{episode.pk}/review/"
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.mark.django_db(transaction=True)
def test_an_outsider_is_refused_on_the_review_socket(episode, outsider):
    communicator = _room_socket(outsider, episode)

    async def scenario():
        connected, _ = await communicator.connect()
        assert not connected

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_comment_reaches_an_open_review_room(episode, writer, reviewer, viewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    communicator = _room_socket(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)  # the filmstrip on connect
        data = {"text": "Light flickers", "at_seconds": "0.5"}
        await sync_to_async(_post)(reviewer, "comment_take", data, take_id=take.pk)
        pushed = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return pushed

    pushed = run(scenario)
    assert f'id="comments-{take.pk}"' in pushed and "Light flickers" in pushed
    assert f'id="strip-{take.scene_id}"' in pushed and 'hx-swap-oob="true"' in pushed
    assert "Approve" not in pushed  # rendered for the viewer


@pytest.mark.django_db
def test_an_archived_projects_takes_take_no_comments_and_the_refusal_says_why(
    episode, writer, reviewer
):
    from django.utils import timezone

    from projects.access import ARCHIVED

    take = episode_of(episode, 1, writer)[0].takes.get()
    first = add_comment(take=take, author=reviewer, text="Hands?", at_seconds=Decimal("1.2"))
    project = episode.project
    project.archived_at = timezone.now()
    project.save(update_fields=["archived_at"])

    said = _post(writer, "comment_take", {"text": "Late", "at_seconds": "1"}, take_id=take.pk)
    resolved = _post(reviewer, "resolve_comment", {"resolved": "1"}, comment_id=first.pk)

    for response in (said, resolved):
        assert response.status_code == 403
        assert ARCHIVED in response.content.decode()  # the 403 page's marked message
    assert ReviewComment.objects.count() == 1
    first.refresh_from_db()
    assert not first.is_resolved
