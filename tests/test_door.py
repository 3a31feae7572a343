"""Every path that creates a take goes through the one door and is refused the same way.

The paths: Generate (a card), Generate all, a batch of picked scenes, Resubmit, Retry on
the fallback, Remix with the review note, and the automatic fallback after a failure.
The refusals: a member whose role may not generate, a budget that does not hold the take,
three characters in one shot, a reference image showing a face. Each path must refuse each
of them with the same message and create no take (issue 8, defects 1–4).
"""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from characters.models import Character, Privacy
from generation.credentials import ProjectGenerationSettings
from generation.models import GenerationStatus, ReviewAction, ReviewDecision, ReviewStatus, Take
from generation.takes import engine
from projects.models import Membership, Project, Role, Scene
from tests.factories import make_take
from tests.prompt_scene import reference
from tests.providers import add_credential

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("list_prices")]

SORA = "OpenAI-compatible Videos API"
PATHS = ["generate", "generate_all", "batch", "resubmit", "fallback", "remix", "auto_fallback"]


@pytest.fixture
def paid(scene, fake):  # type: ignore[no-untyped-def]
    """The prompt fixture's scene (Mia and Tom, 8 s) on the fake OpenAI-compatible server."""
    project = scene.episode.project
    Project.objects.filter(pk=project.pk).update(provider="openai")
    add_credential(project.studio, fake, provider="openai")
    add_credential(project.studio, fake, provider="veo")
    # A take that failed on Veo may be retried on the project's fallback, the OpenAI one.
    ProjectGenerationSettings.objects.create(
        project=project, fallback_provider="openai", auto_fallback=True, budget=Decimal("100")
    )
    return Scene.objects.get(pk=scene.pk)


def _source_take(scene: Scene, user, path: str) -> Take | None:  # type: ignore[no-untyped-def]
    """The take a resubmit, fallback or remix starts from, made by `user` earlier."""
    if path == "resubmit":
        return make_take(scene, user, provider="openai", generation_status=GenerationStatus.FAILED)
    if path in ("fallback", "auto_fallback"):
        status = GenerationStatus.RUNNING if path == "auto_fallback" else GenerationStatus.FAILED
        return make_take(scene, user, provider="veo", generation_status=status)
    if path == "remix":
        take = make_take(
            scene, user, provider="openai", provider_job_id="video_1",
            generation_status=GenerationStatus.SUCCEEDED, review_status=ReviewStatus.REJECTED,
        )  # fmt: skip
        ReviewDecision.objects.create(
            take=take, author=user, action=ReviewAction.REJECT, note="Slower, warmer light."
        )
        return take
    return None


def _attempt(client, scene: Scene, user, path: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Try to make a take of `scene` as `user` by `path`; (HTTP status, what the user reads)."""
    source = _source_take(scene, user, path)
    if path == "auto_fallback":
        assert source is not None
        engine.finish(source, "The provider stayed unavailable after 8 retries.")
        source.refresh_from_db()
        return 200, source.error
    client.force_login(user)
    htmx = {"HTTP_HX_REQUEST": "true"}
    if path == "generate":
        response = client.post(reverse("generation:generate_scene", args=[scene.pk]), **htmx)
    elif path in ("generate_all", "batch"):
        data = {"scene": [scene.pk], "confirm": "0.80"} if path == "batch" else {"confirm": "0.80"}
        url = reverse("generation:generate_all", args=[scene.episode_id])
        response = client.post(url, data, **htmx)
    else:
        assert source is not None
        url = reverse(f"generation:{path}_take", args=[source.pk])
        response = client.post(url, follow=True)
    return response.status_code, response.content.decode()


def _new_takes(scene: Scene) -> list[Take]:
    return [t for t in scene.takes.all() if t.generation_status == GenerationStatus.QUEUED]


@pytest.mark.parametrize("path", PATHS)
def test_a_member_whose_role_may_not_generate_is_refused_on_every_path(client, paid, writer, path):
    # The writer made the earlier take, then became a reviewer.
    source_user = writer
    Membership.objects.filter(user=writer).update(role=Role.REVIEWER)

    status, text = _attempt(client, paid, source_user, path)

    assert "Your role in this studio (reviewer) may not generate takes." in text
    assert status in (403, 200 if path == "auto_fallback" else 403)
    assert _new_takes(paid) == []


@pytest.mark.parametrize("path", PATHS)
def test_a_take_over_the_budget_is_refused_on_every_path(client, paid, producer, path):
    ProjectGenerationSettings.objects.filter(project=paid.episode.project).update(
        budget=Decimal("0.50")
    )

    status, text = _attempt(client, paid, producer, path)

    assert "these 1 scene(s) cost $0.80 but the project has $0.50 left of its $0.50" in text
    assert status in (200, 409)
    assert _new_takes(paid) == []


@pytest.mark.parametrize("path", PATHS)
def test_three_characters_in_one_shot_are_refused_on_every_path(client, paid, producer, path):
    ann = Character.objects.create(
        owner=producer, name="Ann", handle="ann", privacy=Privacy.EVERYONE, appearance="A fox."
    )
    paid.cast.add(ann)

    status, text = _attempt(client, paid, producer, path)

    assert f"Scene 1 has 3 characters in one shot; {SORA} takes at most 2. Split" in text
    assert status in (200, 409)
    assert _new_takes(paid) == []


@pytest.mark.parametrize("path", PATHS)
def test_a_reference_showing_a_face_is_refused_on_every_path(client, paid, producer, path):
    reference(paid.cast.get(handle="mia"), has_face=True)

    status, text = _attempt(client, paid, producer, path)

    assert "Scene 1: Mia: a reference image shows a human face" in text
    assert status in (200, 409)
    assert _new_takes(paid) == []


def test_a_writer_who_lost_a_cast_character_cannot_remix_its_rejected_take(
    client, paid, writer, producer, fake
):
    """Defect 1: Generate refused them, but "Remix with the review note" paid for a take."""
    tom = paid.cast.get(handle="tom")
    Character.objects.filter(pk=tom.pk).update(owner=producer, privacy=Privacy.ONLY_ME)

    status, text = _attempt(client, paid, writer, "remix")

    assert "Scene 1 casts a character you can no longer use: recast it first." in text
    assert _new_takes(paid) == [] and fake.requests == []


def test_a_speaker_from_the_library_counts_as_a_character_in_the_shot(client, paid, producer):
    """Defect 3: speakers not in the cast count when they are characters of the library."""
    Character.objects.create(
        owner=producer, name="Grandma", handle="grandma", privacy=Privacy.EVERYONE,
        appearance="An old tortoise.",
    )  # fmt: skip
    Scene.objects.filter(pk=paid.pk).update(
        dialogue=[*paid.dialogue, {"speaker": "GRANDMA", "line": "Is it ready?"}]
    )

    status, text = _attempt(client, paid, producer, "generate")

    assert status == 409 and "has 3 characters in one shot" in text


def test_veo_takes_three_characters_in_one_shot(client, paid, producer):
    ann = Character.objects.create(
        owner=producer, name="Ann", handle="ann", privacy=Privacy.EVERYONE, appearance="A fox."
    )
    paid.cast.add(ann)
    for character in paid.cast.all():
        reference(character)
    Scene.objects.filter(pk=paid.pk).update(provider="veo")

    status, _ = _attempt(client, paid, producer, "generate")

    assert status == 200
    (take,) = _new_takes(paid)
    assert take.provider == "veo" and len(take.request["reference_images"]) == 3


def test_a_batch_confirmation_lists_each_blocked_scene_and_runs_the_rest(client, paid, producer):
    """Defect 4: a face in one scene refused the whole batch after its confirmation."""
    other = Scene.objects.create(
        episode=paid.episode, position=2, heading="INT. KITCHEN - NIGHT",
        action="Tom sleeps by the stove.", duration_seconds=8,
    )  # fmt: skip
    other.cast.set([paid.cast.get(handle="tom")])
    reference(paid.cast.get(handle="mia"), has_face=True)
    client.force_login(producer)
    url = reverse("generation:generate_all", args=[paid.episode_id])

    page = client.post(url, HTTP_HX_REQUEST="true").content.decode()

    assert "1 scene cannot be generated and is left out:" in page
    assert "<b>EXT. MARKET - DAY</b> — Scene 1: Mia: a reference image shows" in page
    assert "Generate the other 1 scene for <b>$0.80</b>" in page
    assert f'name="scene" value="{other.pk}"' in page and f'value="{paid.pk}"' not in page
    assert not Take.objects.exists()

    done = client.post(url, {"scene": [other.pk], "confirm": "0.80"}, HTTP_HX_REQUEST="true")

    assert "1 scene(s) queued for generation." in done.content.decode()
    (take,) = Take.objects.all()
    assert take.scene_id == other.pk and take.requested_by == producer


def test_a_take_stores_the_request_it_sends(client, paid, producer):
    _attempt(client, paid, producer, "generate")

    (take,) = _new_takes(paid)
    sent = take.video_request()
    assert sent.prompt == take.prompt and "Mia" in sent.prompt
    assert sent.cast == ("Mia", "Tom") and sent.duration_seconds == 8
    assert sent.dialogue == (("Mia", "Careful, it's hot."),)


@pytest.mark.parametrize("path", PATHS)
def test_the_projects_retake_cap_is_refused_on_every_path(client, paid, producer, path):
    Project.objects.filter(pk=paid.episode.project_id).update(retake_cap=1)
    if path in ("generate", "generate_all", "batch"):  # the other paths start from a take
        make_take(paid, producer, provider="openai", generation_status=GenerationStatus.FAILED)

    status, text = _attempt(client, paid, producer, path)

    assert "Scene 1 has had its 1 take(s), the project's cap per scene" in html.unescape(text)
    assert status in (200, 409)
    assert _new_takes(paid) == []


@pytest.mark.parametrize("path", PATHS)
def test_an_archived_project_refuses_takes_on_every_path(client, paid, producer, path):
    Project.objects.filter(pk=paid.episode.project_id).update(archived_at=timezone.now())

    status, text = _attempt(client, paid, producer, path)

    assert "This project is archived: it is read-only" in text
    assert status in (403, 200 if path == "auto_fallback" else 403)
    assert _new_takes(paid) == []


def _retry(client, scene: Scene, user, path: str) -> str:  # type: ignore[no-untyped-def]
    """Try the path again from the take it started from before (no new source take)."""
    client.force_login(user)
    if path == "generate":
        url = reverse("generation:generate_scene", args=[scene.pk])
        return client.post(url, HTTP_HX_REQUEST="true").content.decode()
    source = scene.takes.order_by("number").first()
    assert source is not None
    url = reverse(f"generation:{path}_take", args=[source.pk])
    return client.post(url, follow=True).content.decode()


@pytest.mark.parametrize("path", ["generate", "resubmit", "fallback", "remix"])
def test_a_producers_override_of_the_cap_allows_one_more_take_on_every_path(
    client, paid, writer, producer, path
):
    from generation.review.services import allow_retake

    Project.objects.filter(pk=paid.episode.project_id).update(retake_cap=1)
    if path == "generate":
        make_take(paid, writer, provider="openai", generation_status=GenerationStatus.FAILED)
    _, refused = _attempt(client, paid, writer, path)
    assert "Scene 1 has had its 1 take(s), the project's cap per scene" in html.unescape(refused)
    assert _new_takes(paid) == []

    allow_retake(take=paid.takes.get(), author=producer, note="The light is nearly right.")
    _retry(client, paid, writer, path)

    (new,) = _new_takes(paid)
    assert new.requested_by == writer
    Take.objects.filter(pk=new.pk).update(generation_status=GenerationStatus.FAILED)
    again = html.unescape(_retry(client, paid, writer, path))
    assert "Scene 1 has had its 1 take(s), the project's cap per scene" in again  # once only
    assert paid.takes.count() == 2
