"""Every refusal carries its message to the screen; the fixes found walking the product."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from generation.board.render import card_scene
from generation.board.status import card_take, status_label
from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import GenerationStatus, ReviewStatus, Take
from projects.models import Project, Scene
from tests.conftest import SIX_SCENES
from tests.factories import make_take

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("list_prices")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def use_veo(episode, budget: str | None = None) -> None:  # type: ignore[no-untyped-def]
    Project.objects.filter(pk=episode.project_id).update(provider="veo")
    credential = ProviderCredential(studio=episode.project.studio, provider="veo")
    credential.set_api_key("sk-test-key-1234")
    credential.save()
    if budget is not None:
        ProjectGenerationSettings.objects.create(project=episode.project, budget=Decimal(budget))
    Scene.objects.filter(episode=episode).update(duration_seconds=8)


def scenes(episode) -> list[Scene]:  # type: ignore[no-untyped-def]
    return list(Scene.objects.filter(episode=episode).on_board().order_by("position"))


# --- htmx refusals: the message is in the response the handler shows ---------------------


def test_a_cards_generate_over_budget_answers_with_the_numbers(client, episode, writer):
    use_veo(episode, budget="1")
    client.force_login(writer)
    response = client.post(
        reverse("generation:generate_scene", args=[scenes(episode)[0].pk]), **HTMX
    )
    assert response.status_code == 409
    assert "cost $3.20 but the project has $1.00 left" in response.content.decode()


def test_a_writers_paid_generate_all_is_refused_with_the_reason(client, episode, writer):
    use_veo(episode)
    client.force_login(writer)
    response = client.post(reverse("generation:generate_all", args=[episode.pk]), **HTMX)
    assert response.status_code == 403
    assert "A batch that costs money needs a producer or an owner" in response.content.decode()
    assert "data-refusal-message" in response.content.decode()


def test_a_viewers_storyboard_edit_is_refused_with_the_role(client, episode, viewer):
    client.force_login(viewer)
    response = client.post(
        reverse("board:move_scene", args=[scenes(episode)[1].pk]), {"direction": "up"}, **HTMX
    )
    assert response.status_code == 403
    assert "Your role (Viewer) does not allow this." in response.content.decode()


def test_a_reviewers_generate_is_refused_and_the_button_is_not_shown(client, episode, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    response = client.post(
        reverse("generation:generate_scene", args=[scenes(episode)[0].pk]), **HTMX
    )
    assert "generate_scene" not in page and ">Generate<" not in page
    assert response.status_code == 403
    # The door's words for a role that may not generate (one message, every path).
    text = response.content.decode()
    assert "Your role in this studio (reviewer) may not generate takes." in text


def test_error_pages_are_in_the_sites_layout(client, episode, outsider):
    client.force_login(outsider)
    response = client.get(reverse("board:storyboard", args=[episode.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="topbar"' in page and "not shared with you" in page
    assert 'rel="icon"' in page and finders.find("favicon.svg")
    # The 500 page renders without a request context (Django's server_error view).
    broken = render_to_string("500.html")
    assert 'class="topbar"' in broken and "nothing was changed" in broken


# --- Also fix ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "The script is empty"),
        ("Mia walks home and thinks about soup.\n", "No scene heading found"),
    ],
)
def test_a_script_without_scenes_says_why_and_applies_nothing(client, episode, writer, text, said):
    before = [s.heading for s in scenes(episode)]
    versions = episode.script_versions.count()
    client.force_login(writer)
    url = reverse("board:edit_script", args=[episode.pk])

    preview = client.post(url, {"script": text}).content.decode()
    forced = client.post(url, {"script": text, "confirm": "anything"}).content.decode()

    for page in (preview, forced):
        assert said in page and "Nothing was applied." in page
        assert 'id="apply-breakdown"' not in page
    assert [s.heading for s in scenes(episode)] == before
    assert episode.script_versions.count() == versions


def test_breakdown_problems_stay_on_the_storyboard_until_fixed(client, episode, writer):
    client.force_login(writer)
    url = reverse("board:edit_script", args=[episode.pk])
    broken = SIX_SCENES + "\nINT. HALL - NIGHT\n\n[[shot: 99s]]\nA door creaks.\n"

    def apply(text: str) -> None:
        preview = client.post(url, {"script": text}).content.decode()
        fingerprint = preview.split('name="confirm" value="')[-1].split('"')[0]
        client.post(url, {"script": text, "confirm": fingerprint})

    apply(broken)
    first = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    again = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    apply(SIX_SCENES)
    fixed = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()

    assert 'id="script-problems"' in first and 'id="script-problems"' in again
    assert "99" in again.split('id="script-problems"')[1].split("</details>")[0]
    assert 'id="script-problems"' not in fixed


def test_a_submitted_take_is_named_the_same_on_the_pill_and_the_bar(client, episode, writer):
    scene = scenes(episode)[0]
    make_take(scene, writer, generation_status=GenerationStatus.SUBMITTED)
    client.force_login(writer)
    page = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    card = page.split(f'id="scene-{scene.pk}"')[1].split("</article>")[0]
    assert '<span class="badge">Submitted</span>' in card and "Submitted · 0%" in card


def test_a_cancelled_third_take_does_not_hide_the_two_that_succeeded(episode, writer):
    scene = scenes(episode)[0]
    for number in (1, 2):
        make_take(scene, writer, number=number, generation_status=GenerationStatus.SUCCEEDED)
    make_take(scene, writer, number=3, generation_status=GenerationStatus.CANCELLED)
    shown = card_scene(scene.pk)
    assert shown is not None
    shown_take = card_take(shown)
    assert shown_take is not None and shown_take.number == 2
    assert status_label(shown) == "Needs review"


def test_generate_all_says_which_out_of_date_scenes_it_skipped(client, episode, writer):
    first, second, *_ = scenes(episode)
    for scene in (first, second):
        make_take(scene, writer, generation_status=GenerationStatus.SUCCEEDED,
                  review_status=ReviewStatus.APPROVED)  # fmt: skip
    made = Take.objects.get(scene=second).created_at
    Scene.objects.filter(pk=second.pk).update(changed_at=made + timedelta(seconds=1))
    client.force_login(writer)
    response = client.post(reverse("generation:generate_all", args=[episode.pk]), **HTMX)
    assert "4 scene(s) queued for generation." in response.content.decode()
    assert (
        "Skipped 1 out-of-date scene(s) that already have a take (2)" in response.content.decode()
    )


def test_a_retake_cap_refuses_the_next_take_with_the_reason(client, episode, writer):
    Project.objects.filter(pk=episode.project_id).update(retake_cap=1)
    scene = scenes(episode)[0]
    make_take(scene, writer, generation_status=GenerationStatus.FAILED)
    client.force_login(writer)
    response = client.post(reverse("generation:generate_scene", args=[scene.pk]), **HTMX)
    assert response.status_code == 409
    assert "has had its 1 take(s), the project's cap per scene" in response.content.decode()
    assert Take.objects.count() == 1
