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
    # The live push of the new cards may arrive before the answer that carries the notice.
    page.wait_for_selector("#board-notice:has-text('2 scene(s) queued for generation.')")
    assert sorted(Take.objects.values_list("scene_id", flat=True)) == [first.pk, second.pk]


def test_a_batch_with_a_blocked_scene_lists_it_and_runs_the_others(
    episode, producer, asgi_server, browser, tmp_path
):
    """Defect 4 in the browser: the face is named before paying, the rest is confirmed."""
    from characters.models import Character, Privacy
    from tests.prompt_scene import reference

    project = episode.project
    Project.objects.filter(pk=project.pk).update(provider="openai")
    credential = ProviderCredential(studio=project.studio, provider="openai")
    credential.set_api_key("sk-test-key-1234")
    credential.save()
    Scene.objects.filter(episode=episode).update(duration_seconds=8)
    first, second, *_ = Scene.objects.filter(episode=episode).order_by("position")
    kim = Character.objects.create(
        owner=producer, name="Kim", handle="kim", privacy=Privacy.EVERYONE, appearance="A girl."
    )
    reference(kim, has_face=True)
    first.cast.set([kim])
    page = log_in(browser, asgi_server, producer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=15_000)
    page.check(f"#scene-{first.pk} input.pick")
    page.check(f"#scene-{second.pk} input.pick")
    page.select_option("select[name=batch_action]", "generate")
    page.click("#batch button[type=submit]")

    page.wait_for_selector("#confirm-total", timeout=15_000)
    blocked = page.inner_text("#board-notice .blocked")
    assert (
        f"Scene {first.position}" in blocked
        and "Kim: a reference image shows a human face" in blocked
    )
    assert "Generate the other 1 scene for $0.80" in page.inner_text("#confirm-total")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"blocked-{width}.png"))
    page.click("#confirm-generate")

    page.wait_for_selector(f"#scene-{second.pk} [data-take='1']", timeout=15_000)
    assert list(Take.objects.values_list("scene_id", flat=True)) == [second.pk]
