"""Export in a real Chromium: the progress moves live, then the episode plays with subtitles."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from generation.export.models import Export
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.export_world import MIXED, approve_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[1] / "var" / "test-artifacts"


def test_producer_exports_watches_progress_live_and_plays_with_subtitles(
    settings, tmp_path, episode, producer, writer, asgi_server, browser, celery_worker
):
    settings.MEDIA_ROOT = tmp_path / "media"
    approve_all(episode, writer, MIXED)
    page = log_in(browser, asgi_server, producer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/exports/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.click("#export-final")

    page.wait_for_selector("#export-progress[data-status=running]", timeout=30_000)
    page.evaluate("window.__notReloaded = true")
    first = page.inner_text("#export-progress .percent")
    page.wait_for_function(
        "first => { const p = document.querySelector('#export-progress .percent');"
        " return p && p.textContent !== first; }",
        arg=first,
        timeout=60_000,
    )  # the bar moved without a reload: the partial is polled every second
    assert page.evaluate("window.__notReloaded") is True
    assert "Scene" in page.inner_text("#export-progress .stage")
    page.screenshot(path=str(ARTIFACTS / "export-progress.png"))

    page.wait_for_selector("#export-player", timeout=180_000)
    total = sum(s.duration_seconds for s in episode.scenes.all())
    played = page.evaluate(
        """() => new Promise(resolve => {
             const v = document.querySelector('#export-player');
             const track = v.textTracks[0];
             track.mode = 'showing';
             const done = () => resolve([v.duration, v.textTracks.length, track.cues.length]);
             const wait = () => (v.readyState >= 1 && track.cues && track.cues.length)
               ? done() : setTimeout(wait, 100);
             v.addEventListener('error', () => resolve([-1, 0, 0]));
             wait();
           })"""
    )
    assert played[0] == pytest.approx(total, abs=0.1)
    assert played[1:] == [1, 3]  # one subtitle track, one cue per dialogue line
    export = Export.objects.get()
    assert page.locator("#export-files li").count() == 4  # MP4, .srt, .vtt, editor hand-off
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.screenshot(path=str(ARTIFACTS / "export-done-1440.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "export-done-390.png"), full_page=True)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/exports/")
    assert page.locator(f"#export-versions tr[data-export='{export.number}']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "export-list-390.png"), full_page=True)


def test_writer_translates_lines_in_the_browser(settings, episode, writer, asgi_server, browser):
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/translations/")
    page.fill("#add-language input[name=language]", "klingonese")
    page.click("#add-language button")
    # Each answer is waited for (expect retries): a read right after a click may still see
    # the page from before it.
    expect(page.locator("body")).to_contain_text("is not a language tag")  # the refusal
    page.fill("#add-language input[name=language]", "es")
    page.click("#add-language button")
    boxes = page.locator("#translation-form textarea")
    expect(boxes).to_have_count(3)
    boxes.nth(0).fill("Uno.")
    page.click("#save-translation")
    expect(page.locator("body")).to_contain_text("Saved 1 line.")
    expect(page.locator("#translation-form textarea").nth(0)).to_have_value("Uno.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"translation-{width}.png"), full_page=True)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/exports/")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"export-options-{width}.png"), full_page=True)
