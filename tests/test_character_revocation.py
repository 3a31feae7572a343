"""Taking access away works at once: lists, media, scene cards, generation."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from characters.models import Follow
from characters.services import unfollow
from comicstudio.asgi import application
from generation.board.render import render_card
from generation.models import Take
from generation.services import GenerationRefused
from projects.live import publish_scene_changed
from projects.models import Membership, Scene
from projects.services import save_script
from tests.character_world import SCRIPT, World, build_world
from tests.factories import request_takes


def _cast_scene(world: World, persona: str) -> Scene:
    save_script(episode=world.episode, text=SCRIPT, edited_by=world.users[persona])
    scene = Scene.objects.on_board().get(episode=world.episode)
    assert list(scene.cast.all()) == [world.character]
    return scene


def _sees(world: World, persona: str) -> bool:
    client = Client()
    client.force_login(world.users[persona])
    reference = world.character.references.get()
    listed = "@lumi_fox" in client.get(reverse("characters:library")).content.decode()
    media = client.get(reverse("characters:reference_image", args=[reference.pk])).status_code
    detail = client.get(reverse("characters:detail", args=["lumi_fox"])).status_code
    clip = client.get(reverse("characters:reference_clip", args=["lumi_fox"])).status_code
    assert (media, detail, clip) in {(200, 200, 200), (404, 404, 404)}
    return listed and media == 200


def _card(scene: Scene, user) -> str:  # type: ignore[no-untyped-def]
    member = Membership.objects.get(user=user, studio=scene.episode.project.studio)
    return render_card(Scene.objects.on_board().get(pk=scene.pk), member)


REVOCATIONS = {
    "approved": lambda w: w.character.approved_users.remove(w.users["approved"]),
    "studio_member": lambda w: Membership.objects.filter(
        user=w.users["studio_member"], studio=w.partner_studio
    ).delete(),
    "mutual": lambda w: unfollow(follower=w.character.owner, followed=w.users["mutual"]),
}
CAST_LINK = 'href="/characters/lumi_fox/"'
LEVEL_OF = {"approved": "approved", "studio_member": "approved", "mutual": "mutuals"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(REVOCATIONS))
def test_revoked_access_hides_the_character_and_its_media_and_blocks_generation(persona):
    world = build_world(LEVEL_OF[persona])
    scene = _cast_scene(world, persona)
    assert _sees(world, persona)
    assert "@lumi_fox" in _card(scene, world.users[persona])

    REVOCATIONS[persona](world)

    assert not _sees(world, persona)
    card = _card(scene, world.users[persona])
    # (The script's own words still say @lumi_fox: the writer typed them.)
    assert "character unavailable" in card and CAST_LINK not in card
    with pytest.raises(GenerationRefused, match="can no longer use: recast it first"):
        request_takes(scenes=[scene], requested_by=world.users[persona])
    assert Take.objects.count() == 0
    # The owner still sees and may still generate the same scene.
    assert "@lumi_fox" in _card(scene, world.character.owner)


@pytest.mark.django_db
def test_making_a_character_private_revokes_everyone_but_the_owner():
    world = build_world("everyone")
    scene = _cast_scene(world, "stranger")

    world.character.privacy = "only_me"
    world.character.save()

    for persona in ("approved", "studio_member", "mutual", "follower", "stranger"):
        assert not _sees(world, persona)
    assert _sees(world, "owner")
    assert "character unavailable" in _card(scene, world.users["stranger"])


@pytest.mark.django_db
def test_the_generate_button_is_refused_until_the_scene_is_recast(client):
    world = build_world("approved")
    scene = _cast_scene(world, "approved")
    world.character.approved_users.clear()
    client.force_login(world.users["approved"])

    refused = client.post(reverse("generation:generate_scene", args=[scene.pk]))

    assert refused.status_code == 409 and "recast it first" in refused.content.decode()
    assert Take.objects.count() == 0
    recast = SCRIPT.replace("@lumi_fox", "A fox")
    save_script(episode=world.episode, text=recast, edited_by=world.users["approved"])
    recast_scene = Scene.objects.on_board().get(episode=world.episode)
    assert list(recast_scene.cast.all()) == []
    accepted = client.post(reverse("generation:generate_scene", args=[recast_scene.pk]))
    assert accepted.status_code == 200 and Take.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_open_storyboard_shows_the_character_unavailable_after_an_unfollow():
    world = build_world("mutuals")
    scene = _cast_scene(world, "mutual")
    client = Client()
    client.force_login(world.users["mutual"])
    headers = [
        (b"origin", b"http://127.0.0.1"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]

    async def scenario() -> tuple[str, str]:
        communicator = WebsocketCommunicator(
            application, f"/ws/episodes/{world.episode.pk}/", headers=headers
        )
        assert (await communicator.connect())[0]
        before = await communicator.receive_from(timeout=10)
        await sync_to_async(_unfollow_and_publish)(world, scene)
        after = await communicator.receive_from(timeout=10)
        await communicator.disconnect()
        return before, after

    before, after = async_to_sync(scenario)()
    assert "@lumi_fox" in before
    assert f'id="scene-{scene.pk}"' in after and "character unavailable" in after
    assert CAST_LINK in before and CAST_LINK not in after


def _unfollow_and_publish(world: World, scene: Scene) -> None:
    # The owner stops following: no longer mutuals. The next card render says so.
    Follow.objects.filter(follower=world.character.owner, followed=world.users["mutual"]).delete()
    publish_scene_changed(
        project_id=world.episode.project_id, episode_id=world.episode.pk, scene_id=scene.pk
    )


def test_a_take_prompt_is_not_shown_to_a_member_who_cannot_see_its_character(
    client, episode, writer, viewer
):
    from characters.models import Character, Privacy
    from generation.models import GenerationStatus
    from tests.factories import make_take

    secret = Character.objects.create(
        owner=writer,
        name="Nyx",
        handle="nyx_secret",
        appearance="A silver mask with one red eye.",
        privacy=Privacy.ONLY_ME,
    )
    scene = episode.scenes.order_by("position").first()
    scene.cast.set([secret])
    make_take(
        scene,
        writer,
        prompt="Nyx: A silver mask with one red eye.",
        generation_status=GenerationStatus.SUCCEEDED,
    )
    url = f"/scenes/{scene.pk}/review/"

    client.force_login(viewer)
    hidden = client.get(url).content.decode()
    client.force_login(writer)
    shown = client.get(url).content.decode()

    assert "silver mask" not in hidden and "The prompt is hidden" in hidden
    assert "silver mask" in shown
