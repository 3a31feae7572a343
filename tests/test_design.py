"""Design with AI on real parts: the worker makes candidates through the real SDK and the fake."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from characters.models import Look, ReferenceImage
from generation.design.models import CandidateStatus, DesignCandidate
from generation.money.design import design_budget
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _url(name: str, studio, robot) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"generation:{name}", kwargs={"studio_id": studio.pk, "handle": robot.handle})


def _ask(client, studio, robot, angle: str = "front", count: int = 2, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        _url("design", studio, robot), {"angle": angle, "count": count, "note": note}
    )


def _made(robot, angle: str, count: int) -> list[DesignCandidate] | None:  # type: ignore[no-untyped-def]
    found = list(DesignCandidate.objects.filter(character=robot, angle=angle).order_by("pk"))
    done = len(found) == count and not any(c.in_progress for c in found)
    return found if done else None


def test_the_page_shows_each_angles_prompt_before_anything_is_sent(
    client, studio, writer, robot, design_settings, images
):
    client.force_login(writer)
    page = client.get(_url("design", studio, robot)).content.decode()

    assert "Front view: full body" in page and "Turnaround sheet" in page
    assert "Appearance: A small robot painted bright red" in page
    assert "Style: Flat 2D animation" in page
    assert "≈ $0.12" in page  # two candidates at the table's $0.06
    assert images.requests == []


def test_candidates_are_made_side_by_side_priced_and_a_pick_becomes_the_front_reference(
    client, studio, writer, robot, design_settings, images, celery_worker
):
    client.force_login(writer)
    assert _ask(client, studio, robot, count=3).status_code == 200
    made = wait_for(lambda: _made(robot, "front", 3), what="three front candidates")

    assert [c.status for c in made] == [CandidateStatus.READY] * 3
    assert design_budget(studio.pk).spent == Decimal("0.18")  # recorded after: 3 × $0.06
    panel = client.get(_url("design_candidates", studio, robot) + "?angle=front").content.decode()
    assert panel.count("Pick as front") == 3
    image = client.get(
        reverse(
            "generation:design_candidate_image",
            kwargs={
                "studio_id": studio.pk,
                "handle": robot.handle,
                "candidate_id": made[1].pk,
            },
        )  # fmt: skip
    )
    assert image["Content-Type"] == "image/png"

    picked = client.post(_url("design_pick", studio, robot), {"candidate": made[1].pk})

    assert picked.status_code == 200 and "Saved as Rosa" in picked.content.decode()
    reference = ReferenceImage.objects.get(character=robot, angle="front")
    assert (reference.width, reference.height) == (1024, 1536)
    assert reference.content_type == "image/png" and not reference.has_face
    made[1].refresh_from_db()
    assert made[1].picked_at is not None
    # The other angles are drawn from it: an edit with the front view as the image file.
    assert (
        _ask(client, studio, robot, angle="side", note="the antenna is yellow").status_code == 200
    )
    wait_for(lambda: _made(robot, "side", 2), what="two side candidates")
    edit = images.requests[-1]
    assert edit["path"] == "/v1/images/edits" and edit["png"]["image"]
    assert "Corrections: the antenna is yellow" in edit["body"]["prompt"]
    assert "Keep exactly the design" in edit["body"]["prompt"]


def test_a_request_over_the_design_budget_is_refused_with_the_numbers_and_sends_nothing(
    client, studio, writer, robot, design_settings, images
):
    design_settings.budget = Decimal("0.10")
    design_settings.save()
    client.force_login(writer)

    refused = _ask(client, studio, robot, count=2)

    assert refused.status_code == 409
    assert refused.content.decode() == (
        "Refused: these candidates cost $0.12 but the studio has $0.10 left of its $0.10 "
        "character design budget ($0.00 spent, $0.00 in progress)."
    )
    assert not DesignCandidate.objects.exists() and images.requests == []


def test_a_candidate_too_small_for_a_reference_is_refused_on_pick_like_an_upload(
    client, studio, writer, robot, design_settings, images, celery_worker
):
    images.side = 128
    client.force_login(writer)
    _ask(client, studio, robot)
    made = wait_for(lambda: _made(robot, "front", 2), what="two small candidates")

    refused = client.post(_url("design_pick", studio, robot), {"candidate": made[0].pk})

    assert refused.status_code == 409
    assert "a reference needs at least 256 pixels" in refused.content.decode()
    assert not ReferenceImage.objects.filter(character=robot).exists()


def test_a_discarded_candidate_loses_its_image_but_its_cost_stays_counted(
    client, studio, writer, robot, design_settings, images, celery_worker
):
    client.force_login(writer)
    _ask(client, studio, robot)
    made = wait_for(lambda: _made(robot, "front", 2), what="two candidates")
    stored = Path(settings.MEDIA_ROOT, made[0].image.name)
    assert stored.exists()

    client.post(_url("design_discard", studio, robot), {"candidate": made[0].pk})

    made[0].refresh_from_db()
    assert made[0].discarded_at is not None and not made[0].image and not stored.exists()
    assert design_budget(studio.pk).spent == Decimal("0.12")
    panel = client.get(_url("design_candidates", studio, robot) + "?angle=front").content.decode()
    assert panel.count("Pick as front") == 1


def test_a_refusal_by_the_provider_is_shown_on_the_candidates_and_costs_nothing(
    client, studio, writer, robot, design_settings, images, celery_worker
):
    robot.appearance = "FORBIDDEN"
    robot.save()
    client.force_login(writer)
    _ask(client, studio, robot)
    made = wait_for(lambda: _made(robot, "front", 2), what="the refused round")

    assert {c.status for c in made} == {CandidateStatus.BLOCKED}
    panel = client.get(_url("design_candidates", studio, robot) + "?angle=front").content.decode()
    assert "Refused by the provider: Your request was rejected by the safety system." in panel
    assert design_budget(studio.pk).spent == 0


def test_without_an_image_provider_the_page_says_who_adds_one(client, studio, writer, robot):
    client.force_login(writer)
    page = client.get(_url("design", studio, robot)).content.decode()
    refused = _ask(client, studio, robot)

    assert "No image provider yet" in page and "An owner adds one under Character design" in page
    assert refused.status_code == 409 and "no image provider" in refused.content.decode()


def test_someone_elses_character_cannot_be_designed(client, studio, producer, robot):
    client.force_login(producer)
    assert client.get(_url("design", studio, robot)).status_code == 404  # private: unknown
    robot.privacy = "everyone"
    robot.save()
    assert client.get(_url("design", studio, robot)).status_code == 403


def test_a_double_click_does_not_pay_twice_and_a_stalled_round_frees_its_angle(
    client, studio, writer, robot, design_settings, images
):
    client.force_login(writer)  # no worker: the first round stays queued
    assert _ask(client, studio, robot).status_code == 200

    again = _ask(client, studio, robot)

    assert again.status_code == 409
    assert again.content.decode() == (
        "Front candidates are being made: wait for them before asking again."
    )
    assert DesignCandidate.objects.count() == 2
    assert design_budget(studio.pk).committed == Decimal("0.12")
    # Its task died: a quarter of an hour later the round is stalled, frees the angle and
    # the budget, and may be discarded.
    DesignCandidate.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert design_budget(studio.pk).committed == 0
    panel = client.get(_url("design_candidates", studio, robot) + "?angle=front").content.decode()
    assert panel.count("Stalled: no image came back") == 2 and "every 2s" not in panel
    stalled = DesignCandidate.objects.first()
    assert (
        client.post(_url("design_discard", studio, robot), {"candidate": stalled.pk}).status_code
        == 200
    )
    assert _ask(client, studio, robot).status_code == 200


def test_a_look_is_designed_from_its_outfit_and_the_pick_becomes_the_looks_reference(
    client, studio, writer, robot, design_settings, images, celery_worker
):
    look = Look.objects.create(character=robot, name="Rain", description="A yellow raincoat.")
    client.force_login(writer)
    page = client.get(_url("design", studio, robot) + f"?look={look.pk}").content.decode()
    assert "Outfit (Rain): A yellow raincoat." in page

    client.post(_url("design", studio, robot), {"angle": "front", "count": 2, "look": look.pk})
    made = wait_for(lambda: _made(robot, "front", 2), what="two candidates of the look")
    client.post(_url("design_pick", studio, robot), {"candidate": made[0].pk})

    assert "Outfit (Rain): A yellow raincoat." in images.requests[0]["body"]["prompt"]
    reference = ReferenceImage.objects.get(character=robot, angle="front")
    assert reference.look == look


def test_with_googles_image_models_the_side_view_is_drawn_from_the_front_as_an_image_part(
    client, studio, writer, robot, design_settings, images, celery_worker
):
    design_settings.image_provider = "google_images"
    design_settings.base_url = images.google_base_url
    design_settings.save()
    client.force_login(writer)
    _ask(client, studio, robot)
    front = wait_for(lambda: _made(robot, "front", 2), what="two front candidates")
    client.post(_url("design_pick", studio, robot), {"candidate": front[0].pk})

    _ask(client, studio, robot, angle="side")
    side = wait_for(lambda: _made(robot, "side", 2), what="two side candidates")

    assert [c.status for c in side] == [CandidateStatus.READY] * 2
    assert all(c.model == "gemini-2.5-flash-image" for c in side)
    assert design_budget(studio.pk).spent == Decimal("0.156")  # 4 × $0.039
    last = images.requests[-1]
    parts = last["body"]["contents"][0]["parts"]
    assert last["path"].endswith(":generateContent") and "inlineData" in parts[1]
