"""A character's voice sample is paid like Design with AI: by the user's studio, from its
character design budget (the real openai SDK against the fake speech server)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from characters.models import Character
from generation.design.models import DesignSettings
from generation.money.design import design_budget
from generation.sound.models import CharacterVoice, DialogueClip
from projects.models import Membership, Role, Studio
from tests.sound_world import add_speech_credential, fake_speech
from tests.system import command_or_skip

pytestmark = pytest.mark.django_db
__all__ = ["fake_speech"]  # a fixture used by name
SAMPLE_COST = Decimal("0.000810")  # 54 characters at $15 per million


@pytest.fixture
def mia(writer) -> Character:  # type: ignore[no-untyped-def]
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia", privacy="everyone")
    CharacterVoice.objects.create(character=mia, provider="openai_speech", voice="coral")
    CharacterVoice.objects.create(character=mia, provider="espeak", voice="en")
    return mia


def _budget(studio: Studio, amount: str) -> None:
    DesignSettings.objects.create(studio=studio, budget=Decimal(amount))


def _sample(client, provider: str = "openai_speech"):  # type: ignore[no-untyped-def]
    return client.post(reverse("generation:voice_sample", args=["mia"]), {"provider": provider},
                       HTTP_HX_REQUEST="true")  # fmt: skip


def test_a_sample_over_the_studios_design_budget_is_refused_in_its_cell_and_calls_nobody(
    client, studio, writer, mia, fake_speech
):
    add_speech_credential(studio, fake_speech)
    _budget(studio, "0.00")
    client.force_login(writer)

    refused = _sample(client)

    assert refused.status_code == 409
    shown = refused.content.decode()
    assert 'id="sample-openai_speech"' in shown and "data-refusal-message" in shown
    assert (
        "Refused: this voice sample costs $0.0008 but the studio has $0.00 left of its $0.00 "
        "character design budget ($0.00 spent, $0.00 in progress)."
    ) in shown
    assert fake_speech.requests == [] and not DialogueClip.objects.exists()
    page = client.get(reverse("generation:character_voices", args=["mia"])).content.decode()
    assert "<td data-swap-errors>" in page  # the refusal replaces the cell's sample, on screen


def test_a_sample_within_the_budget_is_charged_to_the_studio_and_shown_once(
    client, studio, writer, owner, mia, fake_speech
):
    add_speech_credential(studio, fake_speech)
    _budget(studio, "1.00")
    client.force_login(writer)

    made = _sample(client)

    assert made.status_code == 200
    assert "Charged $0.0008 to the character design budget of Test Studio." in made.text
    clip = DialogueClip.objects.get()
    assert (clip.studio_id, clip.project_id, clip.cost) == (studio.pk, None, SAMPLE_COST)
    assert len(fake_speech.requests) == 1
    budget = design_budget(studio.pk)
    assert (budget.spent, budget.samples) == (SAMPLE_COST, SAMPLE_COST)
    again = _sample(client)  # cached: neither called nor charged again
    assert "Charged" not in again.text and len(fake_speech.requests) == 1
    audio = client.get(reverse("generation:voice_sample_audio", args=["mia"]),
                       {"provider": "openai_speech"})  # fmt: skip
    assert audio.status_code == 200
    client.force_login(owner)  # the studio's design settings page shows what samples cost
    page = client.get(reverse("generation:design_settings", args=[studio.pk])).content.decode()
    assert 'of which voice samples <span id="design-samples">$0.0008</span>' in page


def test_the_current_studio_pays_and_a_role_that_cannot_generate_cannot_pay(
    client, studio, writer, mia, fake_speech
):
    other = Studio.objects.create(name="A Other Studio")  # first by name
    Membership.objects.create(studio=other, user=writer, role=Role.VIEWER)
    add_speech_credential(other, fake_speech)
    _budget(other, "1.00")
    client.force_login(writer)

    refused = _sample(client)  # the only studio with a key is one where the writer only views

    assert refused.status_code == 409
    assert "Your role in A Other Studio cannot generate" in refused.text
    assert fake_speech.requests == []

    add_speech_credential(studio, fake_speech)
    _budget(studio, "1.00")
    session = client.session
    session["current_studio_id"] = studio.pk
    session.save()
    assert _sample(client).status_code == 200
    assert DialogueClip.objects.get().studio_id == studio.pk


def test_a_free_voice_sample_is_never_refused(client, studio, writer, mia):
    command_or_skip("espeak-ng", "espeak-ng")
    _budget(studio, "0.00")
    client.force_login(writer)

    made = _sample(client, "espeak")

    assert made.status_code == 200 and "Charged" not in made.text
    clip = DialogueClip.objects.get()
    assert (clip.cost, clip.studio_id) == (Decimal("0"), None)
