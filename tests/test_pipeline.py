"""The whole generation path on real parts: Redis broker, a Celery worker, the animatic."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from django.conf import settings

from generation.models import GenerationStatus, Take
from generation.services import GenerationRefused
from projects.models import Scene
from tests.factories import request_takes
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINAL = {GenerationStatus.SUCCEEDED, GenerationStatus.FAILED, GenerationStatus.BLOCKED}


def _all_final(takes: list[Take]) -> bool:
    for take in takes:
        take.refresh_from_db()
    return all(t.generation_status in FINAL for t in takes)


def test_generating_an_episode_gives_every_scene_a_playable_take(episode, writer, celery_worker):
    scenes = list(Scene.objects.filter(episode=episode).order_by("position"))
    assert len(scenes) == 6

    takes = request_takes(scenes=scenes, requested_by=writer)

    wait_for(lambda: _all_final(takes), timeout=120, what="six takes to finish")
    for scene, take in zip(scenes, takes, strict=True):
        assert take.generation_status == GenerationStatus.SUCCEEDED, take.error
        assert take.progress == 100
        assert take.number == 1
        path = Path(settings.MEDIA_ROOT) / take.video.name
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert (stream.width, stream.height) == (720, 1280)
            assert abs(float(container.duration / av.time_base) - scene.duration_seconds) < 0.15
        assert (Path(settings.MEDIA_ROOT) / take.thumbnail.name).read_bytes()[:3] == b"\xff\xd8\xff"


def test_a_regenerated_scene_gets_a_new_take_that_points_to_the_old_one(
    episode, writer, celery_worker
):
    scene = Scene.objects.filter(episode=episode).first()
    (first,) = request_takes(scenes=[scene], requested_by=writer)
    wait_for(lambda: _all_final([first]), what="the first take")

    (second,) = request_takes(scenes=[scene], requested_by=writer)
    wait_for(lambda: _all_final([second]), what="the second take")

    assert (first.number, second.number) == (1, 2)
    assert second.replaces == first
    assert first.video.name != second.video.name
    assert Path(settings.MEDIA_ROOT, first.video.name).exists()


def test_requesting_a_scene_twice_while_it_generates_makes_one_take(episode, writer, celery_worker):
    scene = Scene.objects.filter(episode=episode).first()

    first = request_takes(scenes=[scene], requested_by=writer)
    again = request_takes(scenes=[scene], requested_by=writer)

    assert len(first) == 1 and again == []
    wait_for(lambda: _all_final(first), what="the take")
    assert scene.takes.count() == 1


def test_a_duration_the_provider_does_not_take_is_refused_before_sending(episode, writer):
    scene = Scene.objects.filter(episode=episode).first()
    scene.duration_seconds = 0
    scene.save()

    with pytest.raises(GenerationRefused, match="lasts 0 s; Local animatic takes 4, 8, 12 s"):
        request_takes(scenes=[scene], requested_by=writer)
    assert not scene.takes.exists()


def test_the_animatic_shows_the_casts_reference_portrait(episode, writer, celery_worker):
    import io

    from PIL import Image

    from characters.models import Angle, Character
    from characters.services import add_reference
    from characters.uploads import check_image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (220, 20, 20)).save(buffer, "PNG")
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia_cook", appearance="x")
    checked = check_image(io.BytesIO(buffer.getvalue()), size=len(buffer.getvalue()))
    add_reference(character=mia, angle=Angle.FRONT, checked=checked)
    scene = Scene.objects.filter(episode=episode).order_by("position").first()
    scene.cast.set([mia])

    (take,) = request_takes(scenes=[scene], requested_by=writer)

    wait_for(lambda: _all_final([take]), what="the take")
    assert take.generation_status == GenerationStatus.SUCCEEDED, take.error
    with Image.open(Path(settings.MEDIA_ROOT) / take.thumbnail.name) as thumb:
        pixels = list(thumb.convert("RGB").get_flattened_data())
    red = sum(r > 180 and g < 70 and b < 70 for r, g, b in pixels)
    assert red / len(pixels) > 0.02
