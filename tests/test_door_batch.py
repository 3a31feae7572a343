"""The door checks many scenes at once: every rule per scene, in a fixed number of queries.

A 50-scene "Generate all" must answer fast (issue 14), so the door reads what its rules ask
about all the scenes together. These tests hold that each scene of a mixed batch is still
judged on its own, and that the query count does not grow with the number of scenes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from characters.models import Character, Privacy
from generation.models import GenerationStatus, Take
from generation.takes.door import TakeKind, start_takes
from projects.models import Project, Scene
from tests.factories import make_take

pytestmark = pytest.mark.django_db


def _board(episode, count: int) -> list[Scene]:  # type: ignore[no-untyped-def]
    Scene.objects.filter(episode=episode).delete()
    return Scene.objects.bulk_create(
        Scene(episode=episode, position=n, heading=f"INT. ROOM {n} - DAY", action=f"Beat {n}.")
        for n in range(1, count + 1)
    )


def _character(owner, handle: str, privacy: str) -> Character:  # type: ignore[no-untyped-def]
    return Character.objects.create(
        owner=owner, name=handle.title(), handle=handle, appearance="x", privacy=privacy
    )


def test_each_scene_of_a_batch_is_judged_on_its_own(episode, writer, producer):
    Project.objects.filter(pk=episode.project_id).update(retake_cap=1)
    busy, hidden, crowded, capped, fine, numbered = _board(episode, 6)
    make_take(busy, producer, generation_status=GenerationStatus.RUNNING)
    busy.cast.add(_character(producer, "bea", Privacy.EVERYONE))
    # A character only its owner may use: the producer may not generate a scene casting it.
    hidden.cast.add(_character(writer, "secret", Privacy.ONLY_ME))
    mia = _character(producer, "mia", Privacy.EVERYONE)
    tom = _character(producer, "tom", Privacy.EVERYONE)
    _character(producer, "zed", Privacy.EVERYONE)
    crowded.cast.add(mia, tom)
    crowded.dialogue = [{"speaker": "ZED", "line": "Me too."}]  # a third character, by name
    crowded.save()
    make_take(capped, producer, generation_status=GenerationStatus.FAILED)
    fine.cast.add(mia)
    fine.dialogue = [{"speaker": "MIA", "line": "Only me."}]  # the cast member herself
    fine.save()

    started = start_takes(
        scenes=Scene.objects.filter(episode=episode).order_by("position"),
        requested_by=producer,
        kind=TakeKind.BATCH,
    )

    refused = {r.scene.pk: r.code for r in started.refused}
    assert refused == {busy.pk: "busy", hidden.pk: "cast", crowded.pk: "provider", capped.pk: "cap"}
    assert "secret" not in started.message.lower()
    assert {t.scene_id for t in started.takes} == {fine.pk, numbered.pk}
    assert [t.number for t in started.takes] == [1, 1]


def test_a_new_take_is_numbered_after_and_replaces_the_scenes_newest(episode, producer):
    scene = _board(episode, 1)[0]
    make_take(scene, producer, number=1, generation_status=GenerationStatus.FAILED)
    second = make_take(scene, producer, number=2, generation_status=GenerationStatus.FAILED)

    started = start_takes(scenes=[scene], requested_by=producer, kind=TakeKind.BATCH)

    (take,) = started.takes
    assert (take.number, take.replaces_id) == (3, second.pk)
    assert Take.objects.get(pk=take.pk).number == 3


def test_generate_all_costs_about_the_same_queries_for_10_or_40_scenes(client, episode, producer):
    client.force_login(producer)
    url = reverse("generation:generate_all", kwargs={"episode_id": episode.pk})
    counts = {}
    for count in (10, 40):
        Take.objects.all().delete()
        _board(episode, count)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, HTTP_HX_REQUEST="true")
        assert f"{count} scene(s) queued for generation." in response.content.decode()
        counts[count] = len(queries)

    # SQLite inserts at most ~39 takes a statement: one more insert, nothing per scene.
    assert counts[40] <= counts[10] + 1
