"""Projects and episodes made, changed, archived; who may reach each new page (issue 9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from generation.credentials import ProjectGenerationSettings
from generation.models import GenerationStatus, ReviewStatus
from projects.models import Episode, Project, Scene
from tests.factories import make_take
from tests.project_settings import settings_form

pytestmark = pytest.mark.django_db

ROLES = ["owner", "producer", "writer", "reviewer", "viewer"]


def new_project_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Night Shift",
        "logline": "A cook and a cat keep a diner open all night.",
        "aspect_ratio": "16:9",
        "style_lock": "flat colours",
        "provider": "animatic",
        "fallback_provider": "",
        "budget": "25.00",
        "retake_cap": "3",
    }
    data.update(changes)
    return data


def routes(episode: Episode) -> list[tuple[str, str, dict[str, object], set[str]]]:
    """(method, url, data, roles allowed) for every URL this issue adds."""
    project = episode.project
    managers, episode_makers = {"owner", "producer"}, {"owner", "producer", "writer"}
    everyone = set(ROLES)
    return [
        ("get", reverse("generation:new_project", args=[project.studio_id]), {}, managers),
        ("post", reverse("generation:new_project", args=[project.studio_id]),
         new_project_form(), managers),
        ("get", reverse("generation:project_settings", args=[project.pk]), {}, everyone),
        ("post", reverse("generation:project_settings", args=[project.pk]),
         settings_form(project), managers),
        ("post", reverse("projects:archive_project", args=[project.pk]), {"archived": "0"},
         managers),
        ("get", reverse("projects:new_episode", args=[project.pk]), {}, episode_makers),
        ("post", reverse("projects:new_episode", args=[project.pk]),
         {"number": 7, "title": "Leftovers"}, episode_makers),
        ("get", reverse("projects:edit_episode", args=[episode.pk]), {}, episode_makers),
        ("post", reverse("projects:edit_episode", args=[episode.pk]),
         {"number": 1, "title": "Soup"}, episode_makers),
        ("post", reverse("projects:move_episode", args=[episode.pk]), {"direction": "up"},
         episode_makers),
        ("post", reverse("projects:archive_episode", args=[episode.pk]), {"archived": "0"},
         episode_makers),
        ("get", reverse("projects:latest_script_version", args=[episode.pk]), {}, everyone),
    ]  # fmt: skip


def test_every_new_url_for_anonymous_outsider_and_each_role(
    client, request, episode, owner, producer, writer, reviewer, viewer, outsider
):
    for method, url, data, allowed in routes(episode):
        client.logout()
        anonymous = getattr(client, method)(url, data)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(
            resolve_url(settings.LOGIN_URL)
        ), url

        client.force_login(outsider)
        assert getattr(client, method)(url, data).status_code == 404, url

        for role in ROLES:
            client.force_login(request.getfixturevalue(role))
            response = getattr(client, method)(url, data)
            if role in allowed:
                assert response.status_code in (200, 302), (url, role, response.status_code)
            else:
                assert response.status_code == 403, (url, role)
                assert "does not allow this" in response.content.decode(), (url, role)
            Project.objects.filter(name="Night Shift").delete()
            Episode.objects.filter(number=7).delete()


def test_an_owner_creates_a_project_with_its_settings(client, studio, owner):
    client.force_login(owner)

    response = client.post(reverse("generation:new_project", args=[studio.pk]), new_project_form())

    project = Project.objects.get(name="Night Shift")
    assert response["Location"] == reverse("generation:project", args=[project.pk])
    assert (project.aspect_ratio, project.style_lock, project.retake_cap) == (
        "16:9",
        "flat colours",
        3,
    )
    assert project.generation_settings.budget == Decimal("25.00")
    page = client.get(response["Location"]).content.decode()
    assert "No episodes yet" in page and "create the first one" in page


def test_a_duplicate_project_name_is_refused_and_nothing_is_created(client, studio, owner, episode):
    client.force_login(owner)

    response = client.post(
        reverse("generation:new_project", args=[studio.pk]), new_project_form(name="soup stories")
    )

    assert response.status_code == 400
    assert "Test Studio already has a project named soup stories." in response.content.decode()
    assert Project.objects.count() == 1


def test_a_remote_provider_without_a_credential_creates_nothing(client, studio, owner):
    client.force_login(owner)

    response = client.post(
        reverse("generation:new_project", args=[studio.pk]), new_project_form(provider="veo")
    )

    assert response.status_code == 400
    assert "no credential for the provider &#x27;veo&#x27;" in response.content.decode()
    assert not Project.objects.exists()
    assert not ProjectGenerationSettings.objects.exists()


def test_the_fallback_may_be_the_projects_own_provider(client, episode, producer):
    client.force_login(producer)
    url = reverse("generation:project_settings", args=[episode.project_id])

    response = client.post(url, settings_form(episode.project, fallback_provider="animatic"))

    assert response.status_code == 302
    saved = ProjectGenerationSettings.objects.get(project=episode.project_id)
    assert saved.fallback_provider == "animatic"


def test_an_archived_project_is_read_only_and_hidden_from_home(client, episode, owner, writer):
    project = episode.project
    client.force_login(owner)
    client.post(reverse("projects:archive_project", args=[project.pk]))
    client.force_login(writer)

    home = client.get(reverse("generation:home")).content.decode()
    asked = client.get(reverse("generation:home") + "?archived=1").content.decode()
    storyboard = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    edit = client.post(
        reverse("board:edit_script", args=[episode.pk]), {"script": "", "confirm": "x"}
    )
    generate = client.post(
        reverse("generation:generate_scene", args=[episode.scenes.first().pk]),
        HTTP_HX_REQUEST="true",
    )

    card = f'data-project="{project.pk}"'
    assert card not in home and card in asked
    assert 'id="generate-all"' not in storyboard and "Edit script" not in storyboard
    for refused in (edit, generate):
        assert refused.status_code == 403
        assert "This project is archived" in refused.content.decode()
    client.force_login(owner)
    client.post(reverse("projects:archive_project", args=[project.pk]), {"archived": "0"})
    assert card in client.get(reverse("generation:home")).content.decode()


def test_an_episode_number_taken_is_refused_and_nothing_is_created(client, episode, writer):
    client.force_login(writer)

    response = client.post(
        reverse("projects:new_episode", args=[episode.project_id]), {"number": 1, "title": "Again"}
    )

    assert response.status_code == 400
    assert "Episode 1 already exists in Soup Stories: pick another." in response.content.decode()
    assert Episode.objects.count() == 1


def test_a_new_episode_opens_on_an_empty_storyboard_that_leads_to_the_script(
    client, episode, writer
):
    client.force_login(writer)

    response = client.post(
        reverse("projects:new_episode", args=[episode.project_id]), {"number": 2, "title": "Pie"}
    )
    page = client.get(response["Location"]).content.decode()

    new = Episode.objects.get(number=2)
    assert response["Location"] == reverse("board:storyboard", args=[new.pk])
    assert "No scenes yet." in page
    assert reverse("board:edit_script", args=[new.pk]) in page


def test_episodes_are_renamed_reordered_and_archived(client, episode, writer):
    second = Episode.objects.create(project=episode.project, number=2, title="Pie")
    client.force_login(writer)

    client.post(reverse("projects:edit_episode", args=[second.pk]), {"number": 2, "title": "Tart"})
    client.post(reverse("projects:move_episode", args=[second.pk]), {"direction": "up"})
    client.post(reverse("projects:archive_episode", args=[episode.pk]))
    page = client.get(reverse("generation:project", args=[episode.project_id])).content.decode()

    second.refresh_from_db()
    episode.refresh_from_db()
    assert (second.number, second.title, episode.number) == (1, "Tart", 2)
    assert episode.archived_at is not None
    listed, archived = page.split("archived episode")
    assert f'data-episode="{second.pk}"' in listed and f'data-episode="{episode.pk}"' not in listed
    assert "Episode 2. Soup" in archived and "Bring back" in archived


def test_renaming_to_a_taken_number_says_so_and_changes_nothing(client, episode, writer):
    second = Episode.objects.create(project=episode.project, number=2, title="Pie")
    client.force_login(writer)

    response = client.post(
        reverse("projects:edit_episode", args=[second.pk]), {"number": 1, "title": "Tart"}
    )

    second.refresh_from_db()
    assert "Episode 1 already exists: pick another number." in response.content.decode()
    assert (second.number, second.title) == (2, "Pie")


def test_home_and_project_pages_show_progress_spend_and_poster(client, episode, writer, owner):
    ProjectGenerationSettings.objects.create(project=episode.project, budget=Decimal("40"))
    first, second, *_ = Scene.objects.filter(episode=episode).order_by("position")
    approved = make_take(
        first, writer, generation_status=GenerationStatus.SUCCEEDED,
        review_status=ReviewStatus.APPROVED, cost=Decimal("3.2"), thumbnail="takes/x/t.jpg",
    )  # fmt: skip
    make_take(second, writer, generation_status=GenerationStatus.SUCCEEDED, cost=Decimal("1.6"))
    client.force_login(owner)

    home = client.get(reverse("generation:home")).content.decode()
    project = client.get(reverse("generation:project", args=[episode.project_id])).content.decode()

    for page in (home, project):
        assert "1 of 6 scenes approved" in page
        assert reverse("generation:take_thumbnail", args=[approved.pk]) in home
    assert "$4.80 of $40.00 spent" in home and "$4.80 of $40.00 spent" in project
    assert '<progress max="6" value="1"' in project


def test_home_says_what_to_do_when_a_studio_has_no_projects(client, studio, owner, viewer):
    client.force_login(owner)
    assert "No projects yet — " in client.get(reverse("generation:home")).content.decode()
    client.force_login(viewer)
    page = client.get(reverse("generation:home")).content.decode()
    assert "an owner or producer creates them" in page and "New project" not in page


def test_every_page_below_home_has_breadcrumbs(client, episode, owner):
    project, scene = episode.project, Scene.objects.filter(episode=episode).first()
    client.force_login(owner)
    pages = [
        reverse("generation:project", args=[project.pk]),
        reverse("generation:project_settings", args=[project.pk]),
        reverse("generation:new_project", args=[project.studio_id]),
        reverse("projects:new_episode", args=[project.pk]),
        reverse("projects:edit_episode", args=[episode.pk]),
        reverse("board:storyboard", args=[episode.pk]),
        reverse("board:edit_script", args=[episode.pk]),
        reverse("projects:latest_script_version", args=[episode.pk]),
        reverse("generation:scene_review", args=[scene.pk]),
        reverse("generation:draft_scenes", args=[episode.pk]),
        reverse("generation:costs", args=[project.studio_id]),
        reverse("generation:providers", args=[project.studio_id]),
        reverse("generation:prices", args=[project.studio_id]),
        reverse("generation:characters", args=[project.studio_id]),
        reverse("generation:script_assistant", args=[project.studio_id]),
        reverse("characters:library"),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert 'aria-label="Breadcrumbs"' in html, page
        assert (
            f'href="/#studio-{project.studio_id}">Test Studio</a>' in html or "characters" in page
        )
