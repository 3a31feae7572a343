"""A producer confirms a paid batch in the browser after seeing its total against the budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import Take
from projects.models import Project, Scene
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("list_prices"),
]


def test_a_producer_sees_the_batch_total_against_the_budget_then_confirms_it(
    episode, producer, asgi_server, browser
):
    project = episode.project
    Project.objects.filter(pk=project.pk).update(provider="veo")
    credential = ProviderCredential(studio=project.studio, provider="veo")
    credential.set_api_key("sk-test-key-1234")
    credential.save()
    ProjectGenerationSettings.objects.create(project=project, budget=Decimal("50"))
    Scene.objects.filter(episode=episode).update(duration_seconds=8)
    first, second, *_ = Scene.objects.filter(episode=episode).order_by("position")
    page = log_in(browser, asgi_server, producer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=15_000)

    page.check(f"#scene-{first.pk} input.pick")
    page.check(f"#scene-{second.pk} input.pick")
    page.select_option("select[name=batch_action]", "generate")
    page.click("#batch button[type=submit]")

    page.wait_for_selector("#confirm-total", timeout=15_000)
    assert "Generate 2 scenes for $6.40" in page.inner_text("#confirm-total")
    assert "$43.60 after this batch" in page.inner_text("#board-notice")
    assert not Take.objects.exists()

    page.click("#confirm-generate")

    # The answer to the click, not a live push of the cards (which may come first).
    page.wait_for_selector("#board-notice:has-text('queued for generation')", timeout=15_000)
    for scene in (first, second):
        page.wait_for_selector(f"#scene-{scene.pk} [data-take='1']", timeout=15_000)
    assert "2 scene(s) queued for generation." in page.inner_text("#board-notice")
    assert sorted(Take.objects.values_list("scene_id", flat=True)) == [first.pk, second.pk]
