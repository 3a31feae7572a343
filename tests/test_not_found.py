"""A foreign object and a missing one answer the same 404, with DEBUG on or off."""

from __future__ import annotations

import re

import pytest

from characters.models import Character
from projects.models import Scene
from tests.factories import make_take

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())  # masked per response
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return response.status_code, body


@pytest.mark.parametrize("debug", [True, False])
def test_a_foreign_take_and_a_missing_one_look_the_same(
    client, settings, episode, writer, outsider, debug
):
    settings.DEBUG = debug
    scene = Scene.objects.filter(episode=episode).first()
    take = make_take(scene, writer)
    Character.objects.create(owner=writer, name="Mia", handle="secret_mia", appearance="A cook.")
    client.force_login(outsider)
    missing = take.pk + 1000
    for foreign_url, missing_url in [
        (f"/takes/{take.pk}/video.mp4", f"/takes/{missing}/video.mp4"),
        (f"/scenes/{scene.pk}/review/", f"/scenes/{missing}/review/"),
        (f"/episodes/{episode.pk}/", f"/episodes/{missing}/"),
        ("/characters/secret_mia/", "/characters/no_such_one/"),
        (f"/studios/{episode.project.studio_id}/costs/", f"/studios/{missing}/costs/"),
    ]:
        foreign, absent = _page(client, foreign_url), _page(client, missing_url)
        assert foreign[0] == absent[0] == 404, foreign_url
        assert foreign[1] == absent[1], foreign_url
        assert "matches the given query" not in foreign[1] + absent[1]


def test_an_unknown_address_shows_the_same_page_without_the_url_list(client, settings, writer):
    settings.DEBUG = False
    client.force_login(writer)
    status, body = _page(client, "/no/such/page/")
    assert status == 404 and 'id="not-found"' in body
