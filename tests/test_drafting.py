"""Draft scenes with AI against a local fake chat server: configured, validated, never saved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from generation.credentials import ProjectGenerationSettings
from generation.drafting import MAX_ANSWER_TOKENS, DraftCall, ScriptAssistant, save_assistant
from generation.models import GenerationStatus
from generation.money.budget import project_budget, project_spending
from projects.models import Scene
from projects.screenplay.parse import read_scenes
from tests.factories import make_take
from tests.fake_chat import FakeChat

pytestmark = pytest.mark.django_db
PROSE = "Mia cooks soup in her small kitchen. Later, on the roof, she shares it with a cat."
ANSWER = {
    "scenes": [
        {"heading": "int. kitchen - day", "action": "Mia stirs a pot.\nSteam rises.",
         "camera": "close-up, slow push-in", "dialogue": [{"speaker": "Mia", "line": "Almost."}]},
        {"heading": "EXT. ROOF - NIGHT", "action": "Mia and the cat share the soup.",
         "camera": "", "dialogue": []},
    ]
}  # fmt: skip


@pytest.fixture
def chat() -> Iterator[FakeChat]:
    server = FakeChat().start()
    yield server
    server.stop()


def draft(client, episode, prose: str = PROSE):  # type: ignore[no-untyped-def]
    return client.post(reverse("generation:draft_scenes", args=[episode.pk]), {"prose": prose})


def test_without_a_configured_key_nothing_is_sent_and_the_page_says_who_adds_one(
    client, episode, writer, chat
):
    client.force_login(writer)
    page = client.get(reverse("generation:draft_scenes", args=[episode.pk])).content.decode()
    response = draft(client, episode)
    assert "This studio has no script assistant yet" in page and 'id="draft-form"' not in page
    assert response.status_code == 400
    assert "a studio owner adds a chat model" in unescape(response.content.decode())
    assert chat.requests == []


def test_the_draft_is_a_script_to_edit_that_breaks_down_into_the_models_scenes(
    client, studio, episode, writer, chat
):
    save_assistant(studio_id=studio.pk, api_key="sk-chat-1234", base_url=chat.base_url,
                   model="gpt-test")  # fmt: skip
    chat.answer = json.dumps(ANSWER)
    script_before = episode.script
    client.force_login(writer)

    page = unescape(draft(client, episode).content.decode())

    (request,) = chat.requests
    assert request["key"] == "sk-chat-1234" and request["body"]["model"] == "gpt-test"
    assert request["body"]["response_format"]["type"] == "json_schema"
    assert request["body"]["messages"][1]["content"] == PROSE
    script = page.split('class="script">', 1)[1].split("</textarea>", 1)[0]
    scenes = read_scenes(script)
    assert [s.heading for s in scenes] == ["INT. KITCHEN - DAY", "EXT. ROOF - NIGHT"]
    assert scenes[0].camera == "close-up; slow push-in"
    beats = [(b.speaker, b.text) for b in scenes[0].beats]
    assert beats == [("", "Mia stirs a pot. Steam rises."), ("MIA", "Almost.")]
    episode.refresh_from_db()
    assert episode.script == script_before  # nothing saved until the writer applies it


@pytest.mark.parametrize(
    "answer",
    ["Sure! Here are your scenes.", json.dumps({"scenes": []}),
     json.dumps({"scenes": [{"heading": "INT. X", "action": 3, "camera": "", "dialogue": []}]})],
)  # fmt: skip
def test_an_answer_outside_the_schema_is_refused_and_the_prose_is_kept(
    client, studio, episode, writer, chat, answer
):
    save_assistant(studio_id=studio.pk, api_key="sk-chat-1234", base_url=chat.base_url, model="m")
    chat.answer = answer
    client.force_login(writer)
    response = draft(client, episode)
    page = unescape(response.content.decode())
    assert response.status_code == 400 and "model's answer" in page
    assert PROSE in page and 'id="draft-script"' not in page


def test_a_refused_key_is_reported_without_echoing_it(client, studio, episode, writer, chat):
    save_assistant(studio_id=studio.pk, api_key="sk-revoked-9876", base_url=chat.base_url,
                   model="m")  # fmt: skip
    client.force_login(writer)
    page = unescape(draft(client, episode).content.decode())
    assert "The chat model refused this studio's key (401)" in page
    assert "sk-revoked-9876" not in page
    (call,) = DraftCall.objects.all()  # a failed call is recorded, at $0 (as the judge's are)
    assert (call.outcome, call.cost) == ("failed", Decimal("0"))


def test_only_owners_set_the_assistant_and_only_script_editors_draft(
    client, studio, episode, owner, writer, reviewer, outsider
):
    url = reverse("generation:script_assistant", args=[studio.pk])
    client.force_login(owner)
    client.post(url, {"api_key": "sk-chat-5555", "base_url": "", "model": "gpt-x"})
    assistant = ScriptAssistant.objects.get(studio=studio)
    assert assistant.model == "gpt-x" and "sk-chat-5555" not in assistant.api_key_sealed
    assert "••••5555" in client.get(url).content.decode()
    client.force_login(writer)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    assert draft(client, episode).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404 and draft(client, episode).status_code == 404


def spend(episode, writer, cost: str, budget: str) -> None:  # type: ignore[no-untyped-def]
    """The project has a budget and one take that cost this much."""
    ProjectGenerationSettings.objects.create(project=episode.project, budget=Decimal(budget))
    scene = Scene.objects.filter(episode=episode).first()
    make_take(scene, writer, generation_status=GenerationStatus.SUCCEEDED, cost=Decimal(cost))


def test_a_draft_the_projects_budget_cannot_cover_is_not_asked_for_and_the_form_says_why(
    client, studio, episode, writer, chat
):
    save_assistant(studio_id=studio.pk, api_key="sk-chat-1234", base_url=chat.base_url,
                   model="gpt-4o-mini")  # fmt: skip
    chat.answer = json.dumps(ANSWER)
    spend(episode, writer, cost="0.50", budget="0.50")
    client.force_login(writer)

    response = draft(client, episode)

    assert chat.requests == []  # no paid call
    page = unescape(response.content.decode())
    assert response.status_code == 400
    # 8,000 answer tokens at $0.60 a million and ~240 prompt tokens at $0.15: $0.004836.
    assert (
        "Refused: drafting this prose costs up to $0.0048 but the project has $0.00 left "
        "of its $0.50 budget ($0.50 spent, $0.00 in progress)." in page
    )
    assert PROSE in page and 'id="draft-script"' not in page  # the prose stays in the form
    (call,) = DraftCall.objects.all()
    assert (call.outcome, call.cost, call.project_id) == ("refused", 0, episode.project_id)
    assert project_budget(episode.project).spent == Decimal("0.50")


def test_a_draft_within_the_budget_is_charged_at_its_usage_and_counted_everywhere(
    client, studio, episode, writer, owner, chat
):
    save_assistant(studio_id=studio.pk, api_key="sk-chat-1234", base_url=chat.base_url,
                   model="gpt-4o")  # fmt: skip
    chat.answer = json.dumps(ANSWER)
    chat.usage = {"prompt_tokens": 2000, "completion_tokens": 1500, "total_tokens": 3500}
    spend(episode, writer, cost="0.40", budget="5.00")
    client.force_login(writer)

    assert draft(client, episode).status_code == 200

    (request,) = chat.requests
    assert request["body"]["max_completion_tokens"] == MAX_ANSWER_TOKENS
    (call,) = DraftCall.objects.all()
    # gpt-4o: $2.50 a million tokens in, $10 out.
    assert (call.outcome, call.input_tokens, call.output_tokens) == ("answered", 2000, 1500)
    assert call.cost == Decimal("0.02") and not call.cost_estimated
    assert (call.episode, call.user) == (episode, writer)
    project = episode.project
    assert project_spending(project).drafts == Decimal("0.02")
    assert project_budget(project).spent == Decimal("0.42")
    client.force_login(owner)
    page = client.get(reverse("generation:project", args=[project.pk])).content.decode()
    assert 'script drafts <span id="budget-drafts">$0.0200</span>' in page
    assert "$0.42 of $5.00 spent" in page
    assert "$0.42 of $5.00 spent" in client.get(reverse("generation:home")).content.decode()


def test_an_unusable_answer_without_usage_is_charged_at_the_estimate(
    client, studio, episode, writer, chat
):
    save_assistant(studio_id=studio.pk, api_key="sk-chat-1234", base_url=chat.base_url,
                   model="gpt-4o-mini")  # fmt: skip
    chat.answer, chat.usage = "Sure! Here are your scenes.", None
    client.force_login(writer)

    assert draft(client, episode).status_code == 400

    (call,) = DraftCall.objects.all()  # the answer was paid for though it is of no use
    assert (call.outcome, call.cost_estimated) == ("malformed", True)
    assert call.cost == Decimal("0.004836")
    assert project_spending(episode.project).drafts == call.cost
