"""Cost before spending: the price table, card estimates, budgets and batch confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from characters.models import Character
from generation.board.render import CHUNK
from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import ReviewStatus, Take
from generation.money.pricing import ListPrice, price_book, take_cost
from projects.models import Project, Scene
from tests.factories import make_take
from tests.test_board_queries import MAX_PAGE_QUERIES, fill_board, storyboard_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("list_prices")]


def use_provider(episode, provider: str, *, model: str = "", budget: str | None = None) -> Project:  # type: ignore[no-untyped-def]
    project = episode.project
    Project.objects.filter(pk=project.pk).update(provider=provider)
    project.refresh_from_db()
    if provider != "animatic":
        credential = ProviderCredential(
            studio=project.studio, provider=provider, default_model=model
        )
        credential.set_api_key("sk-test-key-1234")
        credential.save()
    if budget is not None:
        ProjectGenerationSettings.objects.create(project=project, budget=Decimal(budget))
    Scene.objects.filter(episode=episode).update(duration_seconds=8)
    return project


def generate_all(client, episode, **data):  # type: ignore[no-untyped-def]
    url = reverse("generation:generate_all", args=[episode.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_published_list_prices_are_seeded_with_their_source_and_date():
    sora = ListPrice.objects.get(studio=None, provider="openai", model="sora-2", resolution="720p")
    assert sora.price_per_second == Decimal("0.10") and str(sora.as_of) == "2025-10-06"
    assert "list price as published" in sora.source
    veo = ListPrice.objects.filter(studio=None, model="veo-3.1-generate-preview")
    assert {(p.with_audio, p.price_per_second) for p in veo} == {
        (True, Decimal("0.40")),
        (False, Decimal("0.20")),
    }


def test_a_price_book_prices_the_credentials_model_at_the_frames_resolution(studio, episode):
    use_provider(episode, "openai", model="sora-2-pro")
    book = price_book(studio_id=studio.pk, provider="openai")
    assert book.cost(seconds=8, width=720, height=1280) == Decimal("2.40")
    assert book.cost(seconds=8, width=1024, height=1792) == Decimal("4.00")
    assert book.cost(seconds=8, width=960, height=960) is None


def test_a_studio_price_replaces_the_published_one_for_that_studio_only(
    client, studio, owner, outsider
):
    client.force_login(owner)
    response = client.post(
        reverse("generation:prices", args=[studio.pk]),
        {"provider": "openai", "model": "sora-2", "resolution": "720p", "with_audio": "on",
         "price_per_second": "0.07", "source": "Our aggregator's contract"},
        follow=True,
    )  # fmt: skip
    assert "This studio: Our aggregator&#x27;s contract" in response.content.decode()
    mine = price_book(studio_id=studio.pk, provider="openai")
    other = price_book(studio_id=outsider.memberships.get().studio_id, provider="openai")
    assert mine.per_second(width=720, height=1280) == Decimal("0.07")
    assert other.per_second(width=720, height=1280) == Decimal("0.10")


def test_only_owners_see_and_edit_prices(client, studio, producer, writer, outsider):
    url = reverse("generation:prices", args=[studio.pk])
    for user in (producer, writer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"provider": "openai"}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_each_card_shows_its_estimated_cost(client, episode, writer):
    use_provider(episode, "veo")
    client.force_login(writer)
    page = client.get(storyboard_url(episode)).content.decode()
    assert page.count('<span class="cost" title="Estimated cost of one take') == 6
    assert page.count("≈ $3.20") == 6


def test_card_costs_add_one_query_whatever_the_number_of_scenes(client, episode, writer):
    use_provider(episode, "veo")
    client.force_login(writer)
    sizes = {}
    for count in (50, 200):
        fill_board(episode, writer, count)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(storyboard_url(episode)).content.decode()
        assert page.count("≈ $1.60") == CHUNK  # 4 s at 0.40, on each card sent at once
        sizes[count] = len(queries)
        Take.objects.all().delete()
        Scene.objects.all().delete()
        Character.objects.all().delete()
    assert sizes[50] == sizes[200] <= MAX_PAGE_QUERIES + 1  # the animatic page + the price book


def test_a_paid_batch_shows_its_total_against_the_budget_and_waits_for_confirmation(
    client, episode, producer
):
    use_provider(episode, "veo", budget="100")
    client.force_login(producer)

    first = generate_all(client, episode)

    page = first.content.decode()
    assert first.headers["HX-Retarget"] == "#board-notice"
    assert "Generate 6 scenes for <b>$19.20</b> at list price?" in page
    assert "Budget $100.00: $0.00 spent" in page and "$80.80 after this batch" in page
    assert not Take.objects.exists()

    ids = list(episode.scenes.values_list("pk", flat=True))
    confirmed = generate_all(client, episode, scene=ids, confirm="19.20")

    assert "6 scene(s) queued for generation." in confirmed.content.decode()
    assert Take.objects.filter(provider="veo").count() == 6


def test_a_confirmation_of_another_total_is_shown_again(client, episode, producer):
    use_provider(episode, "veo")
    client.force_login(producer)
    page = generate_all(client, episode, confirm="9.60").content.decode()
    assert "The total changed since you saw it" in page and "$19.20" in page
    assert not Take.objects.exists()


def test_over_budget_a_batch_is_refused_with_the_numbers(client, episode, producer):
    use_provider(episode, "veo", budget="10")
    first = episode.scenes.order_by("position").first()
    make_take(first, producer, provider="veo", generation_status="succeeded",
              review_status=ReviewStatus.REJECTED, cost=Decimal("3.20"))  # fmt: skip
    client.force_login(producer)

    page = generate_all(client, episode, confirm="19.20").content.decode()

    assert (
        "Refused: these 6 scene(s) cost $19.20 but the project has $6.80 left of its "
        "$10.00 budget ($3.20 spent, $0.00 in progress)."
    ) in page
    assert Take.objects.count() == 1


def test_takes_in_progress_count_against_the_budget(client, episode, producer):
    use_provider(episode, "veo", budget="20")
    scenes = list(episode.scenes.order_by("position"))
    make_take(scenes[0], producer, provider="veo", generation_status="running",
              duration_seconds=8, width=720, height=1280)  # fmt: skip
    client.force_login(producer)
    page = generate_all(client, episode, scene=[s.pk for s in scenes[1:3]]).content.decode()
    assert "$3.20 in progress" in page and "$10.40 after this batch" in page


def test_a_single_scene_over_budget_is_refused_before_a_take_exists(client, episode, writer):
    use_provider(episode, "veo", budget="1")
    scene = episode.scenes.first()
    client.force_login(writer)
    response = client.post(reverse("generation:generate_scene", args=[scene.pk]))
    assert response.status_code == 409
    assert "cost $3.20 but the project has $1.00 left" in response.content.decode()
    assert not Take.objects.exists()


def test_a_model_without_a_price_is_refused_rather_than_guessed(client, episode, producer):
    use_provider(episode, "openai", model="house-model-9")
    client.force_login(producer)
    page = generate_all(client, episode).content.decode()
    assert "There is no price for openai model &#x27;house-model-9&#x27; at 720p" in page
    assert not Take.objects.exists()


def test_writers_may_not_start_paid_batches_but_free_ones_need_no_confirmation(
    client, episode, writer
):
    client.force_login(writer)
    free = generate_all(client, episode)
    assert "6 scene(s) queued for generation." in free.content.decode()
    Take.objects.all().delete()
    use_provider(episode, "veo")
    assert generate_all(client, episode).status_code == 403


def test_a_finished_take_costs_the_tables_price(episode, writer):
    use_provider(episode, "openai", model="sora-2-pro")
    take = make_take(episode.scenes.first(), writer, provider="openai", duration_seconds=12,
                     width=1792, height=1024)  # fmt: skip
    assert take_cost(take) == Decimal("6.00")
