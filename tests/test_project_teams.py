"""A project limited to a team: everyone else in the studio gets 404 everywhere (issue 9)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from comicstudio.asgi import application
from generation.models import GenerationStatus
from projects.models import Project, Scene
from projects.team_models import Activity, ActivityVerb
from tests.factories import make_take
from tests.project_settings import settings_form


def _socket(user, episode) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    headers = [(b"cookie", cookie), (b"origin", b"http://127.0.0.1")]
    return WebsocketCommunicator(application, f"/ws/episodes/{episode.pk}/", headers=headers)


def _connects(user, episode) -> bool:  # type: ignore[no-untyped-def]
    communicator = _socket(user, episode)

    async def scenario() -> bool:
        connected, _ = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_members_outside_the_team_get_404_for_pages_media_and_the_socket(
    client, episode, owner, producer, writer, viewer
):
    project = episode.project
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    take = make_take(scene, writer, generation_status=GenerationStatus.SUCCEEDED)
    take.video = default_storage.save("takes/team/video.mp4", ContentFile(b"0" * 100))
    take.save()
    client.force_login(producer)
    saved = client.post(
        reverse("generation:project_settings", args=[project.pk]),
        settings_form(project, team=[producer.pk, writer.pk]),
    )
    assert saved.status_code == 302
    pages = [
        reverse("generation:project", args=[project.pk]),
        reverse("board:storyboard", args=[episode.pk]),
        reverse("generation:scene_review", args=[scene.pk]),
        reverse("generation:take_video", args=[take.pk]),
    ]
    try:
        for user, expected in ((viewer, 404), (writer, 200), (owner, 200)):
            client.force_login(user)
            for page in pages:
                assert client.get(page).status_code == expected, (user, page)
        client.force_login(viewer)
        assert "Soup Stories" not in client.get(reverse("generation:home")).content.decode()
        assert not _connects(viewer, episode)
        assert _connects(writer, episode)
        assert list(Project.objects.for_user(viewer)) == []
    finally:
        default_storage.delete(take.video.name)


@pytest.mark.django_db
def test_without_a_team_the_whole_studio_sees_the_project(client, episode, viewer):
    client.force_login(viewer)
    assert client.get(reverse("generation:project", args=[episode.project_id])).status_code == 200


@pytest.mark.django_db
def test_project_team_and_settings_changes_go_into_the_studios_activity_log(
    client, episode, owner, producer, writer
):
    project = episode.project
    client.force_login(producer)
    saved = client.post(
        reverse("generation:project_settings", args=[project.pk]),
        settings_form(project, team=[producer.pk, writer.pk], logline="Soup, served cold."),
    )
    assert saved.status_code == 302
    entries = Activity.objects.filter(studio=project.studio, actor=producer)
    team = entries.get(verb=ActivityVerb.PROJECT_TEAM)
    assert team.subject == project.name
    assert producer.username in team.detail and writer.username in team.detail
    setting = entries.get(verb=ActivityVerb.PROJECT_SETTINGS)
    assert "Soup, served cold." in setting.detail
    client.force_login(owner)  # the studio's owner reads the log
    log = client.get(reverse("projects:activity", args=[project.studio_id])).content.decode()
    assert "changed the team of project" in log
