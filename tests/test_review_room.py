"""The review room: one page per episode, swapped by htmx, with decisions and role rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.board.status import card_take, scene_status
from generation.models import GenerationStatus, ReviewDecision, ReviewStatus
from generation.review.services import record_review
from generation.services import GenerationRefused
from tests.factories import make_take
from tests.review_world import episode_of, finished_take

pytestmark = pytest.mark.django_db


def _room(episode, scene=None) -> str:  # type: ignore[no-untyped-def]
    if scene is None:
        return reverse("generation:review_room", args=[episode.pk])
    return reverse("generation:review_room_scene", args=[episode.pk, scene.pk])


def test_the_room_opens_on_the_first_waiting_scene_with_its_player(
    client, episode, writer, reviewer
):
    scenes = episode_of(episode, 3, writer)
    record_review(take=scenes[0].takes.get(), author=reviewer, action="approve")
    client.force_login(reviewer)

    page = client.get(_room(episode)).content.decode()

    assert f'data-scene="{scenes[1].pk}"' in page.split('id="stage"')[1][:200]
    assert reverse("generation:take_video", args=[scenes[1].takes.get().pk]) in page
    assert 'data-fps="10.0"' in page  # read from the real MP4
    assert "Before: scene 1 (approved)" in page


def test_moving_to_a_scene_over_htmx_answers_only_the_stage(client, episode, writer, viewer):
    scenes = episode_of(episode, 2, writer)
    client.force_login(viewer)

    response = client.get(_room(episode, scenes[1]), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="stage"') and "<html" not in body
    assert "Approve" not in body  # a viewer reads, decides nothing


def test_approving_moves_on_to_the_next_waiting_scene(client, episode, writer, reviewer):
    scenes = episode_of(episode, 3, writer)
    take = scenes[0].takes.get()
    client.force_login(reviewer)

    response = client.post(
        reverse("generation:decide_take", args=[take.pk]), {"action": "approve"},
        headers={"HX-Request": "true"},
    )  # fmt: skip

    take.refresh_from_db()
    assert take.review_status == ReviewStatus.APPROVED
    assert response["HX-Push-Url"] == _room(episode, scenes[1])
    body = response.content.decode()
    assert f'id="strip-{scenes[0].pk}"' in body and 'hx-swap-oob="true"' in body


def test_request_changes_without_a_reason_shows_the_refusal_in_the_stage(
    client, episode, writer, reviewer
):
    take = episode_of(episode, 1, writer)[0].takes.get()
    client.force_login(reviewer)

    response = client.post(
        reverse("generation:decide_take", args=[take.pk]), {"action": "request_changes"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="stage"' in body and "Pick a reason" in body and "Say what should change" in body
    assert take.decisions.count() == 0


@pytest.mark.parametrize("role", ["writer", "viewer", "producer"])
def test_only_reviewers_and_owners_decide(client, episode, writer, role, request):
    take = episode_of(episode, 1, writer)[0].takes.get()
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("generation:decide_take", args=[take.pk]), {"action": "approve"})

    assert response.status_code == 403
    assert take.decisions.count() == 0


def test_an_outsider_gets_404_everywhere(client, episode, writer, outsider):
    scene = episode_of(episode, 1, writer)[0]
    take = scene.takes.get()
    client.force_login(outsider)
    assert client.get(_room(episode)).status_code == 404
    assert client.get(_room(episode, scene)).status_code == 404
    assert client.post(reverse("generation:decide_take", args=[take.pk]),
                       {"action": "approve"}).status_code == 404  # fmt: skip
    assert client.post(reverse("generation:comment_take", args=[take.pk]),
                       {"text": "hi", "at_seconds": "1"}).status_code == 404  # fmt: skip


def test_reopen_needs_a_reason_and_returns_the_take_to_review(episode, writer, reviewer):
    take = finished_take(episode.scenes.first(), writer)
    record_review(take=take, author=reviewer, action="approve")
    with pytest.raises(GenerationRefused, match="Say why"):
        record_review(take=take, author=reviewer, action="reopen")

    record_review(take=take, author=reviewer, action="reopen", note="Continuity with scene 2.")

    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED
    assert scene_status(take.scene) == "needs_review"


def test_hold_and_resume(episode, writer, reviewer):
    take = finished_take(episode.scenes.first(), writer)
    record_review(take=take, author=reviewer, action="hold")
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.ON_HOLD and scene_status(take.scene) == "on_hold"
    with pytest.raises(GenerationRefused, match="on hold"):
        record_review(take=take, author=reviewer, action="hold")

    record_review(take=take, author=reviewer, action="resume")

    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED


def test_derived_status_after_a_sequence_of_decisions(episode, writer, reviewer):
    scene = episode.scenes.first()
    first = finished_take(scene, writer, number=1)
    record_review(take=first, author=reviewer, action="request_changes",
                  reason_code="motion_artifact", note="Hands melt.")  # fmt: skip
    second = finished_take(scene, writer, number=2)
    record_review(take=second, author=reviewer, action="approve")
    record_review(take=second, author=reviewer, action="reopen", note="Wrong cup.")
    record_review(take=first, author=reviewer, action="approve")

    scene.refresh_from_db()
    assert scene_status(scene) == "approved" and card_take(scene) == first
    second.refresh_from_db()
    assert second.review_status == ReviewStatus.SUPERSEDED
    actions = list(
        ReviewDecision.objects.filter(take__scene=scene).values_list("action", flat=True)
    )
    assert actions == ["request_changes", "approve", "reopen", "approve"]


def test_approving_an_approved_take_again_is_refused(episode, writer, reviewer):
    take = finished_take(episode.scenes.first(), writer)
    record_review(take=take, author=reviewer, action="approve")
    with pytest.raises(GenerationRefused, match="already approved"):
        record_review(take=take, author=reviewer, action="approve")
    assert take.decisions.count() == 1


def test_batch_approve_writes_one_log_entry_per_scene(client, episode, writer, reviewer):
    scenes = episode_of(episode, 4, writer)
    client.force_login(reviewer)

    response = client.post(
        reverse("generation:review_batch", args=[episode.pk]),
        {"action": "approve", "scenes": [scenes[0].pk, scenes[2].pk], "current": scenes[1].pk},
    )

    assert response.status_code == 200
    assert "2 scenes decided." in response.content.decode()
    decided = ReviewDecision.objects.filter(action="approve")
    assert sorted(d.take.scene_id for d in decided) == [scenes[0].pk, scenes[2].pk]


def test_batch_request_changes_needs_a_reason(client, episode, writer, reviewer):
    scenes = episode_of(episode, 2, writer)
    client.force_login(reviewer)

    response = client.post(
        reverse("generation:review_batch", args=[episode.pk]),
        {"action": "request_changes", "scenes": [s.pk for s in scenes]},
    )

    assert response.status_code == 400
    assert "Pick a reason" in response.content.decode()
    assert ReviewDecision.objects.count() == 0


def test_batch_cannot_reach_another_episodes_scenes(client, episode, writer, reviewer):
    from projects.models import Episode

    other = Episode.objects.create(project=episode.project, number=2, title="Other")
    foreign = episode_of(other, 1, writer)[0]
    episode_of(episode, 1, writer)
    client.force_login(reviewer)

    response = client.post(
        reverse("generation:review_batch", args=[episode.pk]),
        {"action": "approve", "scenes": [foreign.pk]},
    )

    assert response.status_code == 400
    assert ReviewDecision.objects.count() == 0


def test_the_log_cannot_be_edited_or_deleted_through_any_view(client, episode, writer, owner):
    take = finished_take(episode.scenes.first(), writer)
    decision = record_review(take=take, author=owner, action="request_changes",
                             reason_code="style", note="Too dark.")  # fmt: skip
    client.force_login(owner)
    decide = reverse("generation:decide_take", args=[take.pk])

    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(decide).status_code == 405
    for action in ("delete", "edit", "undo"):
        assert client.post(decide, {"action": action, "decision": decision.pk}).status_code == 400
    assert client.post(reverse("generation:review_take", args=[take.pk]),
                       {"action": "delete"}).status_code == 400  # fmt: skip

    (kept,) = ReviewDecision.objects.all()
    assert (kept.action, kept.note, kept.reason_code) == ("request_changes", "Too dark.", "style")


def test_hidden_cast_shows_as_character_unavailable(client, episode, writer, reviewer):
    from characters.models import Character

    scene = episode_of(episode, 1, writer)[0]
    secret = Character.objects.create(owner=writer, name="Secret Sam", handle="secret_sam",
                                      privacy="only_me")  # fmt: skip
    scene.cast.add(secret)
    client.force_login(reviewer)

    page = client.get(_room(episode, scene)).content.decode()

    assert "character unavailable" in page
    assert "Secret Sam" not in page and "secret_sam" not in page


def test_a_writer_regenerates_a_rejected_scene_from_the_room_and_sees_the_reason(
    client, episode, writer, reviewer
):
    take = episode_of(episode, 1, writer)[0].takes.get()
    record_review(take=take, author=reviewer, action="reject", reason_code="style",
                  note="Too dark.")  # fmt: skip
    client.force_login(writer)
    page = client.get(_room(episode, take.scene)).content.decode()
    assert "Too dark." in page and "Regenerate the scene" in page

    response = client.post(reverse("generation:retake", args=[take.pk]))

    assert response.status_code == 200 and "Take 2 queued" in response.content.decode()
    new = take.scene.takes.get(number=2)
    assert new.replaces == take and new.requested_by == writer


def test_a_reviewer_cannot_start_a_retake(client, episode, writer, reviewer):
    take = episode_of(episode, 1, writer)[0].takes.get()
    client.force_login(reviewer)
    assert client.post(reverse("generation:retake", args=[take.pk])).status_code == 403
    assert take.scene.takes.count() == 1


def test_remixing_a_take_whose_provider_cannot_remix_is_refused_on_the_stage(
    client, episode, writer, reviewer
):
    take = episode_of(episode, 1, writer)[0].takes.get()
    record_review(take=take, author=reviewer, action="reject", reason_code="style", note="x")
    client.force_login(writer)

    response = client.post(reverse("generation:retake", args=[take.pk]), {"remix": "1"})

    assert response.status_code == 409
    assert "cannot remix" in response.content.decode()
    assert take.scene.takes.count() == 1


def test_regenerating_a_scene_already_generating_is_refused_on_the_stage_in_the_doors_words(
    client, episode, writer, reviewer
):
    take = episode_of(episode, 1, writer)[0].takes.get()
    record_review(take=take, author=reviewer, action="reject", reason_code="style", note="x")
    make_take(take.scene, writer, number=2, generation_status=GenerationStatus.RUNNING)
    client.force_login(writer)

    response = client.post(reverse("generation:retake", args=[take.pk]))

    assert response.status_code == 409
    assert "already has a take in progress" in response.content.decode()
    assert take.scene.takes.count() == 2


def _with_reference(owner, handle: str, privacy: str):  # type: ignore[no-untyped-def]
    import io

    from PIL import Image

    from characters.models import Angle, Character
    from characters.services import add_reference
    from characters.uploads import check_image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (20, 120, 220)).save(buffer, "PNG")
    character = Character.objects.create(owner=owner, name=handle.title(), handle=handle,
                                         appearance="x", privacy=privacy)  # fmt: skip
    checked = check_image(io.BytesIO(buffer.getvalue()), size=len(buffer.getvalue()))
    add_reference(character=character, angle=Angle.SIDE, checked=checked)
    return character


def test_compare_shows_the_casts_references_the_reviewer_may_see_and_nothing_of_the_rest(
    client, episode, writer, reviewer
):
    scene = episode_of(episode, 1, writer)[0]
    shared = _with_reference(writer, "mia_cook", "everyone")
    secret = _with_reference(writer, "secret_sam", "only_me")
    scene.cast.set([shared, secret])
    client.force_login(reviewer)

    page = client.get(_room(episode, scene)).content.decode()

    assert 'id="refs-compare"' in page and "M compares with the cast's references" in page
    ref = shared.references.get()
    assert reverse("characters:reference_image", args=[ref.pk]) in page
    assert "Mia_Cook, side" in page
    hidden = secret.references.get()
    assert reverse("characters:reference_image", args=[hidden.pk]) not in page
    assert "Secret_Sam" not in page and "secret_sam" not in page
    # The image itself is served to the reviewer (the media view checks who asks).
    assert client.get(reverse("characters:reference_image", args=[ref.pk])).status_code == 200


def test_a_decision_in_a_30_scene_episode_stays_within_twenty_queries(
    client, episode, writer, reviewer, django_assert_max_num_queries
):
    # Was 23 (a reload of the decided take and three queries to see whether the episode was
    # fully approved); bench/review_room.py times it.
    scenes = episode_of(episode, 30, writer)
    client.force_login(reviewer)
    url = reverse("generation:decide_take", args=[scenes[3].takes.get().pk])
    with django_assert_max_num_queries(20):
        response = client.post(url, {"action": "approve"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Scene 4: approved." in response.content.decode()
    assert scene_status(card_scenes_one(scenes[3])) == "approved"


def card_scenes_one(scene):  # type: ignore[no-untyped-def]
    from generation.board.render import card_scenes
    from projects.models import Scene

    return card_scenes(Scene.objects.filter(pk=scene.pk)).get()
