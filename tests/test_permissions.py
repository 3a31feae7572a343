"""Who may do what: outsiders never learn a project exists; roles limit actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.models import GenerationStatus, ReviewStatus, Take
from projects.models import Scene
from tests.factories import make_take

pytestmark = pytest.mark.django_db


def _finished_take(scene: Scene, user) -> Take:  # type: ignore[no-untyped-def]
    return make_take(scene, user, generation_status=GenerationStatus.SUCCEEDED)


def _pages(episode) -> list[str]:  # type: ignore[no-untyped-def]
    scene = episode.scenes.first()
    return [
        reverse("generation:project", args=[episode.project_id]),
        reverse("board:storyboard", args=[episode.pk]),
        reverse("board:edit_script", args=[episode.pk]),
        reverse("generation:scene_review", args=[scene.pk]),
    ]


def test_outsider_gets_404_on_every_page_of_the_studios_project(client, episode, outsider):
    client.force_login(outsider)
    for url in _pages(episode):
        assert client.get(url).status_code == 404, url


def test_outsider_cannot_generate_or_review_and_learns_nothing(client, episode, writer, outsider):
    scene = episode.scenes.first()
    take = _finished_take(scene, writer)
    client.force_login(outsider)
    assert client.post(reverse("generation:generate_scene", args=[scene.pk])).status_code == 404
    assert client.post(reverse("generation:generate_all", args=[episode.pk])).status_code == 404
    response = client.post(reverse("generation:review_take", args=[take.pk]), {"action": "approve"})
    assert response.status_code == 404
    assert client.get(reverse("generation:take_video", args=[take.pk])).status_code == 404
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED
    assert scene.takes.count() == 1


def test_anonymous_visitor_is_sent_to_log_in(client, episode):
    for url in _pages(episode):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_outsider_sees_neither_studio_nor_project_on_home(client, episode, outsider):
    client.force_login(outsider)
    page = client.get(reverse("generation:home")).content.decode()
    assert "Test Studio" not in page and episode.project.name not in page


def test_member_sees_the_storyboard_in_scene_order(client, episode, viewer):
    client.force_login(viewer)
    page = client.get(reverse("board:storyboard", args=[episode.pk])).content.decode()
    positions = [page.index(f'id="scene-{s.pk}"') for s in episode.scenes.order_by("position")]
    assert positions == sorted(positions) and len(positions) == 6
    assert "Generate all" not in page and "Edit script" not in page


def test_writer_cannot_approve(client, episode, writer):
    take = _finished_take(episode.scenes.first(), writer)
    client.force_login(writer)
    response = client.post(reverse("generation:review_take", args=[take.pk]), {"action": "approve"})
    assert response.status_code == 403
    take.refresh_from_db()
    assert take.review_status == ReviewStatus.UNREVIEWED
    assert take.decisions.count() == 0


def test_viewer_cannot_generate(client, episode, viewer):
    scene = episode.scenes.first()
    client.force_login(viewer)
    assert client.post(reverse("generation:generate_scene", args=[scene.pk])).status_code == 403
    assert client.post(reverse("generation:generate_all", args=[episode.pk])).status_code == 403
    assert Take.objects.count() == 0


def test_reviewer_cannot_generate_or_edit_the_script(client, episode, reviewer):
    client.force_login(reviewer)
    scene = episode.scenes.first()
    assert client.post(reverse("generation:generate_scene", args=[scene.pk])).status_code == 403
    assert client.get(reverse("board:edit_script", args=[episode.pk])).status_code == 403


def test_generate_all_skips_scenes_that_have_a_usable_take(client, episode, writer):
    first, second, *rest = episode.scenes.order_by("position")
    _finished_take(first, writer)  # needs review: keep it
    rejected = _finished_take(second, writer)
    Take.objects.filter(pk=rejected.pk).update(review_status=ReviewStatus.REJECTED)
    client.force_login(writer)

    response = client.post(
        reverse("generation:generate_all", args=[episode.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "5 scene(s) queued for generation." in response.content.decode()
    assert first.takes.count() == 1 and second.takes.count() == 2
    assert all(scene.takes.count() == 1 for scene in rest)


def test_generate_all_leaves_omitted_scenes_alone(client, episode, writer):
    omitted = episode.scenes.order_by("position").first()
    omitted.omitted = True
    omitted.save()
    client.force_login(writer)

    client.post(reverse("generation:generate_all", args=[episode.pk]), HTTP_HX_REQUEST="true")

    assert omitted.takes.count() == 0
    assert Take.objects.count() == episode.scenes.count() - 1
