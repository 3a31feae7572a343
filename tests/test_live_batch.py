"""The sockets of a process share one access check per event, and it is never stale."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from generation.models import GenerationStatus, Take
from generation.takes.events import publish_take
from projects.models import Membership, Project, Scene, members_seeing
from tests.factories import make_take
from tests.test_live import _communicator, run

pytestmark = pytest.mark.django_db(transaction=True)


def _remove_from_studio(episode, user) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.filter(user=user).delete()  # no close message: only the check tells


def _leave_out_of_a_new_team(episode, user) -> None:  # type: ignore[no-untyped-def]
    others = Membership.objects.filter(studio=episode.project.studio).exclude(user=user)
    episode.project.team.set([m.user for m in others if m.role != "owner"])


def _progress(scene: Scene, user, progress: int) -> None:  # type: ignore[no-untyped-def]
    take = Take.objects.filter(scene=scene).first()
    if take is None:
        take = make_take(scene, user, generation_status=GenerationStatus.RUNNING)
    Take.objects.filter(pk=take.pk).update(progress=progress)
    publish_take(take)  # as the engine does when a take's state changes


@pytest.mark.parametrize("lose_access", [_remove_from_studio, _leave_out_of_a_new_team])
def test_a_member_who_lost_access_stops_at_the_next_event_while_others_share_the_check(
    lose_access, episode, owner, writer, reviewer, viewer
):
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    others = [_communicator(user, episode) for user in (owner, writer, reviewer)]
    leaving = _communicator(viewer, episode)
    everyone = [*others, leaving]
    captured = CaptureQueriesContext(connection)

    async def scenario():  # type: ignore[no-untyped-def]
        for socket in everyone:
            assert (await socket.connect())[0]
            await socket.receive_from(timeout=5)  # the snapshot
        await sync_to_async(_progress)(scene, writer, 20)
        first = [await socket.receive_from(timeout=5) for socket in everyone]
        await sync_to_async(lose_access)(episode, viewer)
        # Consumers run on this test's thread: its connection sees their queries.
        await sync_to_async(captured.__enter__)()
        await sync_to_async(_progress)(scene, writer, 60)
        second = [await socket.receive_from(timeout=5) for socket in others]
        closed = await leaving.receive_output(timeout=5)
        await sync_to_async(captured.__exit__)(None, None, None)
        for socket in others:
            await socket.disconnect()
        return first, second, closed

    first, second, closed = run(scenario)
    assert all("· 20%" in card for card in first)
    assert all("· 60%" in card for card in second)
    assert closed["type"] == "websocket.close"
    checks = [q["sql"] for q in captured.captured_queries if "projects_membership" in q["sql"]]
    checks = [sql for sql in checks if sql.startswith('SELECT "projects_membership"')]
    assert len(checks) == 1, checks  # one check for the four sockets


@pytest.mark.parametrize("team", [[], ["writer"], ["writer", "viewer"]])
def test_the_batched_check_answers_as_each_users_own_rule(
    team, episode, owner, writer, reviewer, viewer, outsider
):
    people = {"owner": owner, "writer": writer, "reviewer": reviewer, "viewer": viewer}
    project = episode.project
    project.team.set([people[name] for name in team])
    everyone = [*people.values(), outsider]

    found = members_seeing(project.pk, [u.pk for u in everyone])

    own_rule = {u.pk for u in everyone if Project.objects.for_user(u).filter(pk=project.pk)}
    assert {m.user_id for m in found} == own_rule
    assert all(m.studio_id == project.studio_id for m in found)


def test_a_pushed_card_of_an_archived_project_offers_no_edits(episode, writer):
    """Archived projects are read-only on their pages; their live cards are too."""
    from django.utils import timezone

    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    socket = _communicator(writer, episode)

    async def scenario():  # type: ignore[no-untyped-def]
        assert (await socket.connect())[0]
        await socket.receive_from(timeout=5)  # the snapshot
        await sync_to_async(_progress)(scene, writer, 20)
        before = await socket.receive_from(timeout=5)
        await sync_to_async(Project.objects.filter(pk=episode.project_id).update)(
            archived_at=timezone.now()
        )
        await sync_to_async(_progress)(scene, writer, 60)
        after = await socket.receive_from(timeout=5)
        await socket.disconnect()
        return before, after

    before, after = run(scenario)
    assert f"/scenes/{scene.pk}/edit/" in before and "· 20%" in before
    assert "· 60%" in after
    assert f"/scenes/{scene.pk}/edit/" not in after and "/move/" not in after
