"""The continuity check on real takes: the animatic renders, PyAV samples, colours are scored."""

from __future__ import annotations

import pytest

from generation.continuity.models import ContinuityCheck
from generation.continuity.services import check_take
from generation.models import GenerationStatus, Take
from projects.models import Scene
from tests.continuity_world import BLUE, RED, red_robot, set_front
from tests.factories import request_takes
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _checked(take: Take) -> Take | None:
    take.refresh_from_db()
    return take if take.continuity_score is not None else None


def _render(scene: Scene, writer) -> Take:  # type: ignore[no-untyped-def]
    (take,) = request_takes(scenes=[scene], requested_by=writer)
    wait_for(lambda: _checked(take), timeout=120, what="the take to be rendered and checked")
    assert take.generation_status == GenerationStatus.SUCCEEDED, take.error
    return take


def test_a_take_in_the_wrong_colours_scores_lower_than_one_in_the_right_ones(
    episode, writer, celery_worker
):
    robot = red_robot(writer)
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    scene.cast.add(robot)
    set_front(robot, BLUE)
    wrong = _render(scene, writer)  # drawn from the blue reference
    set_front(robot, RED)
    right = _render(scene, writer)  # drawn from the red one

    check_take(wrong.pk)  # again, now that the chosen reference is the red one
    wrong_check = ContinuityCheck.objects.get(take=wrong, character=robot)
    right_check = ContinuityCheck.objects.get(take=right, character=robot)
    assert right_check.frames >= 3  # start, middle, end at least
    assert right_check.local_score >= 70, right_check.local_detail
    assert wrong_check.local_score + 25 <= right_check.local_score, (
        wrong_check.local_score,
        right_check.local_score,
    )
    wrong.refresh_from_db()
    assert wrong.continuity_flagged and wrong.continuity_score == wrong_check.local_score
    right.refresh_from_db()
    assert not right.continuity_flagged
