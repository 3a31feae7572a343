"""A small world for character privacy tests: one character and everyone around it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from characters.models import Character, Follow
from characters.services import add_reference, set_reference_clip
from characters.uploads import check_image
from projects.models import Episode, Membership, Project, Role, Studio
from tests.character_media import clip_bytes, image_bytes, upload
from tests.conftest import make_user

PERSONAS = ["owner", "approved", "studio_member", "mutual", "follower", "stranger", "anonymous"]

# Exactly who may see the character at each privacy level.
SEES = {
    "only_me": {"owner"},
    "approved": {"owner", "approved", "studio_member"},
    "mutuals": {"owner", "mutual"},
    "everyone": {"owner", "approved", "studio_member", "mutual", "follower", "stranger"},
}

SCRIPT = "INT. LAB - DAY\n\n@lumi_fox sniffs the beaker.\n"


@dataclass
class World:
    character: Character
    users: dict[str, Any]
    board_studio: Studio
    partner_studio: Studio
    episode: Episode


def build_world(privacy: str) -> World:
    """Everyone is a writer of the board studio, which is NOT approved; the partner studio is."""
    board = Studio.objects.create(name="Board Studio")
    partner = Studio.objects.create(name="Partner Studio")
    users: dict[str, Any] = {name: make_user(name) for name in PERSONAS if name != "anonymous"}
    users["anonymous"] = AnonymousUser()
    for name in PERSONAS[:-1]:
        Membership.objects.create(studio=board, user=users[name], role=Role.WRITER)
    Membership.objects.create(studio=partner, user=users["studio_member"], role=Role.VIEWER)
    owner = users["owner"]
    Follow.objects.create(follower=users["mutual"], followed=owner)
    Follow.objects.create(follower=owner, followed=users["mutual"])
    Follow.objects.create(follower=users["follower"], followed=owner)
    character = Character.objects.create(
        owner=owner, name="Lumi", handle="lumi_fox", kind="animal", privacy=privacy,
        appearance="A small silver fox with a teal scarf.",
    )  # fmt: skip
    character.approved_users.add(users["approved"])
    character.approved_studios.add(partner)
    png = image_bytes()
    add_reference(
        character=character, angle="front", checked=check_image(upload(png), size=len(png))
    )
    set_reference_clip(
        character=character, clip=upload(clip_bytes(3), "clip.mp4", "video/mp4"), seconds=3.0
    )
    project = Project.objects.create(studio=board, name="Fox Tales")
    episode = Episode.objects.create(project=project, number=1, title="Beakers")
    return World(character, users, board, partner, episode)
