"""In the browser: a voice sample the studio's design budget cannot cover says why in its cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from characters.models import Character
from generation.design.models import DesignSettings
from generation.sound.models import CharacterVoice, DialogueClip
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.sound_world import add_speech_credential, fake_speech

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["fake_speech"]  # a fixture used by name


def test_a_refused_sample_is_said_in_the_cell_where_it_was_asked_for(
    studio, writer, fake_speech, asgi_server, browser
):
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia", privacy="everyone")
    CharacterVoice.objects.create(character=mia, provider="openai_speech", voice="coral")
    add_speech_credential(studio, fake_speech)
    DesignSettings.objects.create(studio=studio, budget=Decimal("0.00"))
    page = log_in(browser, asgi_server, writer.username, PASSWORD)
    page.goto(f"{asgi_server.url}/characters/mia/voices/")

    page.click("tr[data-provider=openai_speech] button:has-text('Hear a sample')")

    refusal = page.wait_for_selector("#sample-openai_speech .refusal", timeout=10_000)
    assert "this voice sample costs $0.0008 but the studio has $0.00 left" in (refusal.inner_text())
    assert refusal.is_visible()
    assert fake_speech.requests == [] and not DialogueClip.objects.exists()
