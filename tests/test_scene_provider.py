"""A scene may choose its own provider: takes, estimates and the storyboard follow it."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from characters.models import Character
from generation.board.render import CHUNK
from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import Take
from generation.prompts import compile_prompt, compile_scene
from generation.providers import shot_rules
from generation.services import GenerationRefused
from projects.models import Episode, Scene
from tests.factories import request_takes
from tests.test_board_queries import MAX_PAGE_QUERIES, fill_board, storyboard_url
from tests.test_live import _communicator, run
from tests.test_spending import generate_all
from tests.test_storyboard_edits import assert_script_matches_board, edit_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("list_prices")]


def board(episode: Episode) -> list[Scene]:
    return list(Scene.objects.filter(episode=episode).order_by("position"))


def credential(episode: Episode, provider: str) -> ProviderCredential:
    stored = ProviderCredential(studio=episode.project.studio, provider=provider)
    stored.set_api_key("sk-test-key-1234")
    stored.save()
    return stored


def on_veo(scene: Scene) -> Scene:
    Scene.objects.filter(pk=scene.pk).update(provider="veo")
    return Scene.objects.select_related("episode__project").get(pk=scene.pk)


def storyboard(client, episode) -> str:  # type: ignore[no-untyped-def]
    return client.get(storyboard_url(episode)).content.decode()


def batch(client, episode, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("board:batch_edit", kwargs={"episode_id": episode.pk}), data)


def notice(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode().split('id="board-notice"')[1])


def test_an_empty_provider_means_the_projects(episode):
    scene = board(episode)[0]
    assert scene.provider == "" and scene.effective_provider == "animatic"
    assert on_veo(scene).effective_provider == "veo"


def test_a_take_goes_to_the_scenes_provider_and_the_others_to_the_projects(episode, producer):
    veo = credential(episode, "veo")
    first, second = board(episode)[:2]
    first = on_veo(first)

    takes = request_takes(scenes=[first, second], requested_by=producer)

    assert [(t.provider, t.credential_id) for t in takes] == [("veo", veo.pk), ("animatic", None)]
    assert takes[0].prompt == compile_scene(first, provider="veo").text
    assert compile_prompt(first) == takes[0].prompt


def test_a_scene_on_a_provider_without_credential_is_refused_like_a_project(episode, producer):
    scene = board(episode)[0]
    Scene.objects.filter(pk=scene.pk).update(provider="openai")

    with pytest.raises(GenerationRefused) as refused:
        request_takes(scenes=[scene], requested_by=producer)

    assert str(refused.value) == (
        "This studio has no credential for the provider 'openai': an owner adds one under "
        "Providers."
    )
    assert not Take.objects.exists()


def test_the_card_estimates_and_shows_the_scenes_own_provider(client, episode, writer):
    credential(episode, "veo")
    on_veo(board(episode)[0])  # 4 s at the list price of 0.40 per second
    client.force_login(writer)

    page = storyboard(client, episode)

    assert page.count("≈ $1.60") == 1 and page.count(">free<") == 5
    assert page.count('<span class="provider"') == 1
    assert page.count('data-provider="veo"') == 1 and page.count('data-provider="animatic"') == 5
    assert '<select id="filter-provider">' in page
    assert re.search(r'<option value="veo">veo</option>', page)


def test_scenes_on_other_providers_cost_no_query_per_scene(client, episode, writer):
    credential(episode, "veo")
    client.force_login(writer)
    sizes = {}
    for count in (50, 200):
        fill_board(episode, writer, count)
        Scene.objects.filter(position__in=range(1, count + 1, 2)).update(provider="veo")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(storyboard_url(episode)).content.decode()
        assert page.count('<span class="provider"') == CHUNK // 2  # the cards sent at once
        sizes[count] = len(queries)
        Take.objects.all().delete()
        Scene.objects.all().delete()
        Character.objects.all().delete()
    # One price book for the scenes' own provider, as a project on veo costs (test_spending).
    assert sizes[50] == sizes[200] <= MAX_PAGE_QUERIES + 1


def test_the_card_shows_no_provider_when_it_is_the_projects_anyway(client, episode, writer):
    Scene.objects.filter(episode=episode).update(provider="animatic")
    client.force_login(writer)
    assert '<span class="provider"' not in storyboard(client, episode)


def test_a_batch_is_priced_and_budgeted_at_the_scenes_provider(client, episode, producer):
    credential(episode, "veo")
    on_veo(board(episode)[0])
    ProjectGenerationSettings.objects.create(project=episode.project, budget=Decimal("1"))
    client.force_login(producer)

    page = generate_all(client, episode).content.decode()

    assert "Refused: these 6 scene(s) cost $1.60 but the project has $1.00 left" in page
    assert not Take.objects.exists()


def test_a_confirmed_batch_sends_each_scene_to_its_provider(client, episode, producer):
    credential(episode, "veo")
    on_veo(board(episode)[0])
    client.force_login(producer)

    assert "for <b>$1.60</b>" in generate_all(client, episode).content.decode()
    generate_all(client, episode, confirm="1.60")

    assert sorted(Take.objects.values_list("provider", flat=True)) == ["animatic"] * 5 + ["veo"]


def test_the_prompt_preview_is_the_scenes_provider(client, episode, writer):
    credential(episode, "veo")
    scene = on_veo(board(episode)[0])
    client.force_login(writer)

    page = client.get(reverse("generation:scene_review", args=[scene.pk])).content.decode()

    assert "Prompt preview <small>veo</small>" in page
    assert "estimated cost $1.60" in page


def test_the_inline_edit_offers_the_project_default_and_every_provider(client, episode, writer):
    scene = board(episode)[0]
    client.force_login(writer)
    url = reverse("board:edit_scene", kwargs={"scene_id": scene.pk})

    form = client.get(url).content.decode()
    assert '<option value="" selected>project default (animatic)</option>' in form
    assert all(f'<option value="{p}">{p}</option>' in form for p in ("animatic", "openai", "veo"))

    card = client.post(url, edit_data(scene, provider="veo")).content.decode()
    scene.refresh_from_db()
    assert scene.provider == "veo" and '<span class="provider"' in card
    assert scene.changed_at is None  # the shot did not change
    assert_script_matches_board(episode, writer)

    client.post(url, edit_data(scene, provider=""))
    scene.refresh_from_db()
    assert scene.provider == ""


def test_an_unknown_provider_is_refused_and_nothing_is_saved(client, episode, writer):
    scene = board(episode)[0]
    client.force_login(writer)
    url = reverse("board:edit_scene", kwargs={"scene_id": scene.pk})

    page = client.post(url, edit_data(scene, action="Changed.", provider="sora")).content.decode()

    assert "Select a valid choice. sora is not one of the available choices." in page
    scene.refresh_from_db()
    assert (scene.provider, scene.action) == ("", "Mia stirs a pot of soup. Steam rises.")


def test_a_batch_changes_the_provider_of_the_selected_scenes_and_back(client, episode, writer):
    scenes = board(episode)
    picked = [scenes[0].pk, scenes[2].pk]
    client.force_login(writer)

    page = batch(client, episode, scene=picked, batch_action="provider", provider="veo")
    assert "2 scene(s) now go to veo." in notice(page)
    assert [s.provider for s in board(episode)] == ["veo", "", "veo", "", "", ""]
    assert_script_matches_board(episode, writer)

    page = batch(client, episode, scene=[scenes[0].pk], batch_action="provider", provider="")
    assert "1 scene(s) now go to the project's provider (animatic)." in notice(page)
    assert [s.provider for s in board(episode)] == ["", "", "veo", "", "", ""]


def test_a_batch_provider_change_needs_a_known_provider(client, episode, writer):
    client.force_login(writer)
    scene_ids = [board(episode)[0].pk]

    for data in ({}, {"provider": "sora"}):
        response = batch(client, episode, scene=scene_ids, batch_action="provider", **data)
        assert response["HX-Reswap"] == "none"

    assert [s.provider for s in board(episode)] == [""] * 6


@pytest.mark.parametrize(
    ("role", "status"), [("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_writers_producers_and_owners_change_a_scenes_provider(
    client, episode, request, role, status
):
    scene = board(episode)[0]
    client.force_login(request.getfixturevalue(role))
    edit = reverse("board:edit_scene", kwargs={"scene_id": scene.pk})

    assert client.post(edit, edit_data(scene, provider="veo")).status_code == status
    response = batch(client, episode, scene=[scene.pk], batch_action="provider", provider="veo")
    assert response.status_code == status
    assert [s.provider for s in board(episode)] == [""] * 6


@pytest.mark.parametrize("role", ["producer", "owner"])
def test_producers_and_owners_change_a_scenes_provider_too(client, episode, request, role):
    scene = board(episode)[0]
    client.force_login(request.getfixturevalue(role))
    batch(client, episode, scene=[scene.pk], batch_action="provider", provider="openai")
    scene.refresh_from_db()
    assert scene.provider == "openai"


def _batch_as(user, episode, data: dict) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return batch(client, episode, **data).status_code


@pytest.mark.django_db(transaction=True)
def test_a_batch_provider_change_reaches_another_viewer(episode, writer, viewer):
    scenes = board(episode)
    data = {"scene": [scenes[1].pk], "batch_action": "provider", "provider": "veo"}
    communicator = _communicator(viewer, episode)

    async def scenario():
        assert (await communicator.connect())[0]
        await communicator.receive_from(timeout=5)  # the snapshot
        status = await sync_to_async(_batch_as)(writer, episode, data)
        grid = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return status, grid

    status, grid = run(scenario)
    assert status == 200
    assert grid.startswith('<section id="scene-grid"') and 'hx-swap-oob="true"' in grid
    card = grid.split(f'<article id="scene-{scenes[1].pk}"')[1].split("</article>")[0]
    assert 'data-provider="veo"' in card and '<span class="provider"' in card
    assert grid.count('<span class="provider"') == 1


def test_a_veo_project_breaks_scenes_down_to_the_durations_veo_accepts(episode):
    project = episode.project
    project.provider = "veo"
    project.save()
    project.refresh_from_db()

    assert shot_rules(project.provider).durations == (4, 6, 8)
    project.provider = "animatic"
    assert shot_rules(project.provider).durations == (4, 8, 12)
