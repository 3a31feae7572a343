"""Sound in a real Chromium: the review room plays a scene with its voiced dialogue, in step
with the take; the sound pages render under the CSP (screenshots kept for a look)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generation.sound.speech import voice_scene
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.export_world import MATCHING, add_take
from tests.sound_world import add_speech_credential, fake_speech, voice_mia

__all__ = ["fake_speech"]  # a fixture used by name
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("COMICSTUDIO_SCREENSHOTS", "/tmp/comicstudio-sound-shots"))


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_review_room_plays_the_scene_with_its_dialogue(
    episode, writer, reviewer, fake_speech, asgi_server, browser
):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    voice_mia(episode)
    scene = next(s for s in episode.scenes.order_by("position") if s.dialogue)
    add_take(scene, writer, MATCHING[0], approved=False)
    voice_scene(scene=scene)
    page = log_in(browser, asgi_server, reviewer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/review/scenes/{scene.pk}/")
    page.wait_for_selector("#scene-dialogue-note:not([hidden])", timeout=15_000)
    page.evaluate("document.querySelector('#player').muted = true")
    page.evaluate("document.querySelector('#player').play()")
    page.wait_for_function(
        "() => { const a = document.querySelector('#scene-dialogue');"
        " return !a.paused && a.currentTime > 0.3; }",
        timeout=15_000,
    )
    page.evaluate("document.querySelector('#player').pause()")
    # Paused together, at the same time in the scene (the dialogue follows the picture).
    page.wait_for_function(
        "() => { const a = document.querySelector('#scene-dialogue'),"
        " v = document.querySelector('#player');"
        " return a.paused && !a.seeking && Math.abs(a.currentTime - v.currentTime) < 0.1; }",
        timeout=5000,
    )


def test_the_sound_pages_render_without_csp_violations(
    episode, writer, producer, fake_speech, asgi_server, browser
):  # type: ignore[no-untyped-def]
    add_speech_credential(episode.project.studio, fake_speech)
    mia = voice_mia(episode)
    mia.owner = writer
    mia.save()
    scene = next(s for s in episode.scenes.order_by("position") if s.dialogue)
    voice_scene(scene=scene)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/characters/{mia.handle}/voices/")
    assert (
        page.locator("#voices tr[data-provider=openai_speech] .voice-name").inner_text() == "coral"
    )
    page.screenshot(path=str(SHOTS / "voices.png"), full_page=True)
    page.goto(f"{asgi_server.url}/scenes/{scene.pk}/sound/")
    assert "they fit" in page.locator("#fit").inner_text()
    page.screenshot(path=str(SHOTS / "scene_sound.png"), full_page=True)
    manager = log_in(browser, asgi_server, producer.username, PASSWORD)
    manager.goto(f"{asgi_server.url}/projects/{episode.project_id}/sound/")
    assert manager.locator("#project-music").is_visible()
    manager.screenshot(path=str(SHOTS / "project_sound.png"), full_page=True)


def test_the_card_of_a_scene_whose_lines_do_not_fit_says_so_on_the_storyboard(
    episode, writer, fake_speech, asgi_server, browser
):  # type: ignore[no-untyped-def]
    from projects.services import save_script

    add_speech_credential(episode.project.studio, fake_speech)
    long_line = (
        "I have been stirring this soup since the sun came up and it is still not ready. " * 4
    )
    save_script(episode=episode, text=episode.script.replace("No, no, no!", long_line.strip()),
                edited_by=writer)  # fmt: skip
    voice_mia(episode)
    for scene in episode.scenes.all():
        voice_scene(scene=scene)
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/episodes/{episode.pk}/")
    flag = page.locator(".card .sound-fit")
    flag.first.wait_for(timeout=10_000)
    assert flag.count() == 1 and "more needed" in flag.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "storyboard_flag.png"), full_page=True)
