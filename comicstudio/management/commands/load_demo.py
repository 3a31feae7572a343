"""Load the demo studio: users with printed passwords, two drawn characters, one episode."""

import io
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from characters.models import Angle, Character, Kind, Privacy
from characters.services import add_reference
from characters.uploads import check_image
from comicstudio.demo_art import DRAWINGS
from generation.providers import shot_rules
from projects.models import Episode, Membership, Project, Role, Studio
from projects.services import save_script

DEMO_PASSWORD = "comicstudio-demo"  # noqa: S105 — documented in the README, local runs only
DEMO_USERS = {
    "owner": Role.OWNER,
    "producer": Role.PRODUCER,
    "writer": Role.WRITER,
    "reviewer": Role.REVIEWER,
    "viewer": Role.VIEWER,
}
SCRIPT = Path(__file__).resolve().parents[2] / "demo_script.fountain"


class Command(BaseCommand):
    help = "Create the demo studio (idempotent). Refused unless COMICSTUDIO_DEMO is on."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if not settings.COMICSTUDIO_DEMO:
            raise CommandError("Demo data loads only in local runs (COMICSTUDIO_DEMO is off).")
        studio = self._studio()
        users = {}
        for username, role in DEMO_USERS.items():
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(studio=studio, user=user, defaults={"role": role})
            users[username] = user
        self._characters(users["writer"], studio)
        project, _ = Project.objects.get_or_create(
            studio=studio,
            name="Midnight Snacks",
            defaults={"style_lock": "2D anime, cel shading, soft pastel palette, warm lamplight"},
        )
        episode, created = Episode.objects.get_or_create(
            project=project, number=1, defaults={"title": "The Last Dumpling"}
        )
        if created or not episode.script:
            save_script(
                episode=episode,
                text=SCRIPT.read_text(),
                edited_by=users["writer"],
                rules=shot_rules(episode.project.provider),
            )
        self.stdout.write("Demo studio ready.")

    def _studio(self) -> Studio:
        # Studio names are unique per user only: the demo studio is the one the demo
        # owner owns, not any studio a signed-up user also called "Demo Studio".
        owned = Studio.objects.filter(
            name="Demo Studio", memberships__user__username="owner", memberships__role=Role.OWNER
        ).first()
        return owned or Studio.objects.create(name="Demo Studio")

    def _characters(self, owner: User, studio: Studio) -> None:
        for handle, name, kind, appearance in [
            (
                "hana_chef",
                "Hana",
                Kind.MASCOT,
                "a small round cream-coloured kitchen robot with a dark screen face showing "
                "two smiling cyan eyes, a puffy white chef's hat, a mustard-yellow apron "
                "and two grey wheels",
            ),
            (
                "mochi_cat",
                "Mochi",
                Kind.ANIMAL,
                "a chubby white cat with a grey patch over the left ear, "
                "amber eyes and a red collar with a tiny bell",
            ),
        ]:
            character, _ = Character.objects.get_or_create(
                handle=handle,
                defaults={
                    "owner": owner,
                    "name": name,
                    "kind": kind,
                    "appearance": appearance,
                    "privacy": Privacy.APPROVED,
                },
            )
            character.approved_studios.add(studio)
            if not character.references.filter(angle=Angle.FRONT).exists():
                self._draw_front(character)

    def _draw_front(self, character: Character) -> None:
        # Through the same checks and service as an upload: thumbnail and face check included.
        drawing = DRAWINGS[character.handle]()
        checked = check_image(io.BytesIO(drawing), size=len(drawing))
        add_reference(character=character, angle=Angle.FRONT, checked=checked)
