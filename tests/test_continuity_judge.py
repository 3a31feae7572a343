"""The continuity judge through the real `openai` SDK against the fake chat server, and the
one automatic retake through the door."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from generation.continuity.models import (
    ContinuityCheck,
    ContinuityRetake,
    ContinuitySettings,
    JudgeCall,
)
from generation.continuity.services import check_take
from generation.credentials import ProjectGenerationSettings, ProviderCredential
from generation.models import GenerationStatus, Take
from generation.money.budget import project_budget, project_spending
from projects.models import Scene
from tests.character_media import clip_bytes
from tests.continuity_world import NOTES, face_clip, red_robot, verdict
from tests.factories import make_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(episode, writer) -> Scene:  # type: ignore[no-untyped-def]
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    scene.cast.add(red_robot(writer))
    return scene


def finished_take(scene: Scene, user, number: int = 1) -> Take:  # type: ignore[no-untyped-def]
    take = make_take(scene, user, number=number, generation_status=GenerationStatus.SUCCEEDED)
    take.video.save("take.mp4", ContentFile(clip_bytes(2)))
    return take


def test_the_judge_sees_the_bible_references_and_frames_and_its_notes_reach_the_take(
    scene, writer, judge
):
    judge.answer = verdict(42)
    take = finished_take(scene, writer)

    check_take(take.pk)

    (sent,) = judge.requests
    assert sent["body"]["model"] == "vision-judge"
    assert sent["body"]["response_format"]["type"] == "json_schema"
    parts = sent["body"]["messages"][1]["content"]
    images = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    texts = " ".join(p["text"] for p in parts if p["type"] == "text")
    assert "Bible: A small robot painted bright red" in texts
    assert len(images) == 1 + 3  # the front reference; start, middle and end of a 2 s clip
    assert all(url.startswith("data:image/jpeg;base64,") for url in images)
    check = ContinuityCheck.objects.get(take=take)
    assert (check.judge_state, check.judge_score, check.judge_notes) == ("checked", 42, NOTES)
    take.refresh_from_db()
    assert take.continuity_score == 42 and take.continuity_flagged
    assert take.continuity_notes == f"@rosa_bot: {NOTES}"


def test_a_malformed_answer_is_asked_again_once(scene, writer, judge):
    judge.answers = ["Sure! The robot looks fine.", verdict(88, notes="")]
    take = finished_take(scene, writer)

    check_take(take.pk)

    assert len(judge.requests) == 2
    take.refresh_from_db()
    assert take.continuity_score == 88 and not take.continuity_flagged


@pytest.mark.parametrize(
    "bad",
    [
        json.dumps({"characters": [{"handle": "rosa_bot", "score": 140, "notes": ""}]}),
        json.dumps({"characters": [{"handle": "someone_else", "score": 50, "notes": ""}]}),
        json.dumps({"verdict": "good"}),
        "not json at all",
    ],
)
def test_two_malformed_answers_leave_the_take_not_checked_by_the_judge(scene, writer, judge, bad):
    judge.answers = [bad, bad]
    take = finished_take(scene, writer)

    check_take(take.pk)

    assert len(judge.requests) == 2
    check = ContinuityCheck.objects.get(take=take)
    assert check.judge_state == "not_checked" and check.judge_score is None
    take.refresh_from_db()
    assert take.continuity_score == check.local_score  # the free check still counts
    assert "Judge: not checked" in take.continuity_notes


def test_a_flagged_take_is_retaken_once_with_the_judges_notes_as_corrections(scene, writer, judge):
    ContinuitySettings.objects.create(project=scene.episode.project, auto_retake=True)
    judge.answer = verdict(30)
    first = finished_take(scene, writer)

    check_take(first.pk)

    retake = Take.objects.get(scene=scene, number=2)
    assert retake.replaces == first and retake.requested_by == writer
    assert retake.generation_status == GenerationStatus.QUEUED
    assert retake.prompt.endswith(f"Corrections: @rosa_bot: {NOTES}")
    # The retake comes back flagged too: the reviewers decide, no third take is made.
    Take.objects.filter(pk=retake.pk).update(generation_status=GenerationStatus.SUCCEEDED)
    retake.video.save("take.mp4", ContentFile(clip_bytes(2)))
    check_take(retake.pk)
    check_take(first.pk)  # a redelivered check changes nothing either
    assert Take.objects.filter(scene=scene).count() == 2
    assert ContinuityRetake.objects.get(scene=scene).take == retake


def test_no_retake_unless_the_project_asks_for_it(scene, writer, judge):
    judge.answer = verdict(30)
    first = finished_take(scene, writer)

    check_take(first.pk)

    assert Take.objects.filter(scene=scene).count() == 1
    first.refresh_from_db()
    assert first.continuity_flagged


def test_the_automatic_retake_respects_the_budget_and_says_why_it_did_not_start(
    scene, writer, judge, list_prices
):
    project = scene.episode.project
    project.provider = "openai"
    project.save()
    credential = ProviderCredential(
        studio=project.studio, provider="openai", base_url="https://videos.example.test/v1"
    )
    credential.set_api_key("sk-video-Key-1234")
    credential.save()
    ProjectGenerationSettings.objects.create(project=project, budget=Decimal("0.10"))
    ContinuitySettings.objects.create(project=project, auto_retake=True)
    judge.answer = verdict(30)
    first = finished_take(scene, writer)

    check_take(first.pk)

    assert Take.objects.filter(scene=scene).count() == 1
    first.refresh_from_db()
    assert "Not retaken: Refused: these 1 scene(s) cost $" in first.continuity_notes
    assert "left of its $0.10 budget" in first.continuity_notes
    assert "budget" in ContinuityRetake.objects.get(scene=scene).refusal


def test_the_review_room_shows_the_scores_beside_the_references_to_who_may_see_the_cast(
    client, scene, writer, reviewer, judge
):
    judge.answer = verdict(42)
    take = finished_take(scene, writer)
    check_take(take.pk)
    url = reverse("generation:review_room_scene", args=[scene.episode_id, scene.pk])

    client.force_login(writer)
    shown = client.get(url).content.decode()
    assert "Continuity 42" in shown and f"judge 42 — {NOTES}" in shown
    assert 'data-check="rosa_bot"' in shown

    client.force_login(reviewer)  # Rosa is private to the writer: the reviewer sees no name
    hidden = client.get(url).content.decode()
    assert "Continuity 42" in hidden and "rosa_bot" not in hidden and NOTES not in hidden


@pytest.mark.parametrize(("provider", "warned"), [("openai", True), ("animatic", False)])
def test_a_human_face_in_the_frames_is_noted_where_the_provider_refuses_faces(
    scene, writer, provider, warned
):
    take = make_take(scene, writer, generation_status=GenerationStatus.SUCCEEDED, provider=provider)
    take.video.save("take.mp4", ContentFile(face_clip(2)))

    check_take(take.pk)  # no judge: the free check alone

    take.refresh_from_db()
    assert ("A human face shows in 3 of 3 frames." in take.continuity_notes) is warned
    assert ContinuityCheck.objects.get(take=take).judge_state == "off"


def test_a_judge_call_the_projects_budget_cannot_cover_is_not_made_and_the_card_says_why(
    client, scene, writer, judge
):
    project = scene.episode.project
    ProjectGenerationSettings.objects.create(project=project, budget=Decimal("0.50"))
    judge.answer = verdict(42)
    take = finished_take(scene, writer)
    Take.objects.filter(pk=take.pk).update(cost=Decimal("0.50"))  # the budget is spent

    check_take(take.pk)

    assert judge.requests == []  # no paid call
    take.refresh_from_db()
    assert take.continuity_notes.startswith(
        "Judge: not run. Refused: the continuity judge's check costs about $0.0"
    )
    assert "but the project has $0.00 left of its $0.50 budget" in take.continuity_notes
    assert ContinuityCheck.objects.get(take=take).judge_state == "not_checked"
    (call,) = JudgeCall.objects.filter(take=take)
    assert (call.outcome, call.cost) == ("refused", Decimal("0"))
    assert project_budget(project).spent == Decimal("0.50")
    client.force_login(writer)  # the refusal is on the storyboard card
    board = client.get(reverse("board:storyboard", args=[scene.episode_id])).content.decode()
    assert "Judge: not run. Refused: the continuity judge" in board


def test_a_judge_call_within_the_budget_is_recorded_with_its_cost_and_counted(
    client, scene, writer, judge
):
    project = scene.episode.project
    ProjectGenerationSettings.objects.create(project=project, budget=Decimal("5.00"))
    judge.answers = ["not json", verdict(88, notes="")]  # a malformed answer is paid for too
    judge.usage = {"prompt_tokens": 1200, "completion_tokens": 80, "total_tokens": 1280}
    take = finished_take(scene, writer)
    Take.objects.filter(pk=take.pk).update(cost=Decimal("0.40"))

    check_take(take.pk)

    assert len(judge.requests) == 2
    calls = JudgeCall.objects.filter(take=take).order_by("pk")
    assert [c.outcome for c in calls] == ["malformed", "answered"]
    # "vision-judge" is not in the price table: priced like the dearest model ($2.50/$10).
    each = Decimal("1200") * Decimal("2.50") / 1_000_000 + Decimal("80") * 10 / 1_000_000
    assert [c.cost for c in calls] == [each, each] == [Decimal("0.0038")] * 2
    assert (calls[1].input_tokens, calls[1].output_tokens) == (1200, 80)
    spending = project_spending(project)
    assert spending.judge == Decimal("0.0076") and spending.takes == Decimal("0.40")
    assert project_budget(project).spent == Decimal("0.4076")
    client.force_login(writer)  # the project's page shows it
    page = client.get(reverse("generation:project", args=[project.pk])).content.decode()
    assert 'id="budget-judge"' in page and "$0.0076" in page
