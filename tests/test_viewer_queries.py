"""A visibility rule kept per viewer answers from the database at every use
(characters/viewer_queries.py): no change of privacy or team is ever answered from memory."""

from __future__ import annotations

import pytest

from characters.models import Character, Privacy
from projects.models import Episode, Project, Scene


@pytest.mark.django_db
def test_a_character_made_private_is_gone_at_the_next_ask(writer, reviewer):
    mia = Character.objects.create(owner=writer, name="Mia", handle="mia", appearance="x",
                                   privacy=Privacy.EVERYONE)  # fmt: skip
    assert list(Character.objects.visible_to(reviewer)) == [mia]
    # A bulk update sends no signal: nothing could tell a cache of answers.
    Character.objects.filter(pk=mia.pk).update(privacy=Privacy.ONLY_ME)
    assert list(Character.objects.visible_to(reviewer)) == []
    assert not Character.objects.visible_to(reviewer).filter(handle="mia").exists()
    assert list(Character.objects.visible_to(writer)) == [mia]
    Character.objects.filter(pk=mia.pk).update(privacy=Privacy.EVERYONE)
    assert Character.objects.visible_to(reviewer).get() == mia


@pytest.mark.django_db
def test_a_project_given_a_team_is_gone_for_those_outside_it(writer, reviewer, episode):
    scene = Scene.objects.create(episode=episode, position=99, heading="INT. X - DAY")
    assert Episode.objects.for_user(reviewer).filter(pk=episode.pk).exists()
    assert Scene.objects.for_user(reviewer).filter(pk=scene.pk).exists()
    episode.project.team.add(writer)
    assert not Project.objects.for_user(reviewer).filter(pk=episode.project_id).exists()
    assert not Episode.objects.for_user(reviewer).filter(pk=episode.pk).exists()
    assert not Scene.objects.for_user(reviewer).filter(pk=scene.pk).exists()
    assert Episode.objects.for_user(writer).filter(pk=episode.pk).exists()


@pytest.mark.django_db
def test_an_answer_is_never_handed_out_twice(writer, reviewer):
    """Each ask is a fresh queryset: evaluating one leaves the next to run anew."""
    first = Character.objects.visible_to(reviewer)
    assert list(first) == []
    Character.objects.create(owner=writer, name="Tom", handle="tom", appearance="x",
                             privacy=Privacy.EVERYONE)  # fmt: skip
    assert [c.handle for c in Character.objects.visible_to(reviewer)] == ["tom"]
    assert list(first) == []  # the evaluated one keeps its own result, as any queryset


@pytest.mark.django_db
def test_a_rule_asked_of_a_narrowed_queryset_keeps_the_narrowing(writer, reviewer):
    for handle in ("ann", "bob"):
        Character.objects.create(owner=writer, name=handle, handle=handle, appearance="x",
                                 privacy=Privacy.EVERYONE)  # fmt: skip
    narrowed = Character.objects.filter(handle="bob").visible_to(reviewer)
    assert [c.handle for c in narrowed] == ["bob"]
    assert sorted(c.handle for c in Character.objects.visible_to(reviewer)) == ["ann", "bob"]
