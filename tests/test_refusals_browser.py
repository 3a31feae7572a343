"""In the browser: a refused Generate says why on the card; the storyboard loads cleanly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import Take
from projects.live import publish_scene_changed
from projects.models import Project, Scene
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("list_prices"),
]


def test_a_budget_refusal_on_a_cards_generate_is_shown_on_the_card(
    episode, writer, asgi_server, browser
):
    project = episode.project
    Project.objects.filter(pk=project.pk).update(provider="veo")
    credential = ProviderCredential(studio=project.studio, provider="veo")
    credential.set_api_key("sk-test-key-1234")
    credential.save()
    ProjectGenerationSettings.objects.create(project=project, budget=Decimal("1"))
    Scene.objects.filter(episode=episode).update(duration_seconds=8)
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=15_000)

    page.click(f"#scene-{scene.pk} footer button:has-text('Generate')")

    refusal = page.wait_for_selector(f"#scene-{scene.pk} .refusal", timeout=10_000)
    assert "cost $3.20 but the project has $1.00 left" in refusal.inner_text()
    assert refusal.is_visible()
    assert not Take.objects.exists()

    # A live push replaces the card (the socket's snapshot on reconnect, any change to the
    # scene): the new card still says why Generate was refused.
    page.evaluate(f"document.getElementById('scene-{scene.pk}').dataset.old = '1'")
    publish_scene_changed(project_id=project.pk, episode_id=episode.pk, scene_id=scene.pk)
    page.wait_for_function(
        "id => !document.getElementById(id).dataset.old", arg=f"scene-{scene.pk}"
    )
    again = page.wait_for_selector(f"#scene-{scene.pk} .refusal", timeout=10_000)
    assert "cost $3.20 but the project has $1.00 left" in again.inner_text()
    # The only console error is the refused request itself (Chromium logs every 4xx).
    assert [e for e in errors if "409" not in e] == []


def test_the_storyboard_shows_ten_compact_cards_above_the_fold_and_a_list_view(
    episode, writer, asgi_server, browser
):
    extra = "\n".join(f"INT. ROOM {n} - DAY\n\nA long heading test line {n}.\n" for n in range(8))
    from projects.services import save_script

    episode.refresh_from_db()
    save_script(episode=episode, text=episode.script + "\n" + extra, edited_by=writer)
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=15_000)

    above = page.evaluate(
        "() => [...document.querySelectorAll('#scene-grid article.card')]"
        ".filter(c => c.getBoundingClientRect().bottom <= window.innerHeight).length"
    )
    one_line = page.evaluate(
        "() => [...document.querySelectorAll('#scene-grid article.card h3')]"
        ".every(h => h.getBoundingClientRect().height < 24 && h.title.length > 0)"
    )
    page.click("[data-board-view=list]")
    rows = page.evaluate(
        "() => { const c = [...document.querySelectorAll('#scene-grid article.card')];"
        " return new Set(c.map(x => Math.round(x.getBoundingClientRect().left))).size; }"
    )
    page.reload()
    page.wait_for_selector("#board.list-view", timeout=10_000)

    assert above >= 10
    assert one_line
    assert rows == 1  # every scene in one column: a list
