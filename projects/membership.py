"""Studios and their members: create a studio, change settings, roles, removal, leaving.

Each action writes in one transaction, appends to the activity log, and closes the
affected user's open sockets after commit (projects/live.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from projects.activity import changed_fields, record_activity
from projects.live import close_user_sockets
from projects.models import Membership, Role, Studio
from projects.team_models import ActivityVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class MembershipRefused(Exception):
    """A membership change that would break a rule; the message is shown to the user."""


def studio_name_taken(*, user: User, name: str, exclude_id: int | None = None) -> bool:
    """Whether one of the user's studios already has this name (case-insensitive)."""
    studios = Studio.objects.filter(memberships__user=user, name__iexact=name.strip())
    if exclude_id is not None:
        studios = studios.exclude(pk=exclude_id)
    return studios.exists()


def create_studio(
    *,
    user: User,
    name: str,
    description: str = "",
    default_aspect_ratio: str = Studio._meta.get_field("default_aspect_ratio").get_default(),
    default_provider: str = "animatic",
) -> Studio:
    """A new studio with `user` as its owner."""
    with transaction.atomic():
        if studio_name_taken(user=user, name=name):
            raise MembershipRefused(f"You already have a studio called “{name}”.")
        studio = Studio.objects.create(
            name=name.strip(),
            description=description,
            default_aspect_ratio=default_aspect_ratio,
            default_provider=default_provider,
        )
        Membership.objects.create(studio=studio, user=user, role=Role.OWNER)
        record_activity(studio=studio, actor=user, verb=ActivityVerb.STUDIO_CREATED)
    return studio


SETTINGS_FIELDS = ("name", "description", "default_aspect_ratio", "default_provider")


def update_studio(*, studio: Studio, actor: User, values: dict[str, str]) -> Studio:
    """Save the studio's settings and log what changed."""
    with transaction.atomic():
        if studio_name_taken(user=actor, name=values["name"], exclude_id=studio.pk):
            raise MembershipRefused(f"You already have a studio called “{values['name']}”.")
        # From the database: a bound ModelForm has already changed the instance.
        before = Studio.objects.filter(pk=studio.pk).values(*SETTINGS_FIELDS).get()
        for name in SETTINGS_FIELDS:
            setattr(studio, name, values[name])
        studio.save(update_fields=list(SETTINGS_FIELDS))
        if detail := changed_fields(before, {n: values[n] for n in SETTINGS_FIELDS}):
            record_activity(
                studio=studio, actor=actor, verb=ActivityVerb.STUDIO_SETTINGS, detail=detail
            )
    return studio


def _lock_owners(studio_id: int) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(studio_id=studio_id, role=Role.OWNER))


def _refuse_if_last_owner(membership: Membership, doing: str) -> None:
    owners = _lock_owners(membership.studio_id)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise MembershipRefused(
            f"The last owner cannot {doing}. Make another member an owner first."
        )


def change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Give a member another role; the last owner cannot be demoted."""
    if role not in Role.values:
        raise MembershipRefused("Choose one of the studio's roles.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == role:
            return membership
        if role != Role.OWNER:
            _refuse_if_last_owner(membership, "be given another role")
        old = membership.get_role_display()
        membership.role = role
        membership.save(update_fields=["role"])
        record_activity(
            studio=membership.studio,
            actor=actor,
            verb=ActivityVerb.ROLE_CHANGED,
            subject=membership.user.username,
            detail=f"{old} → {membership.get_role_display()}",
        )
        close_user_sockets(user_id=membership.user_id, studio_id=membership.studio_id)
    return membership


def remove_member(*, membership: Membership, actor: User) -> None:
    """Remove a member: their pages, media and open sockets of this studio end at once."""
    leaving = actor.pk == membership.user_id
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _refuse_if_last_owner(membership, "leave the studio" if leaving else "be removed")
        membership.delete()
        record_activity(
            studio=membership.studio,
            actor=actor,
            verb=ActivityVerb.LEFT if leaving else ActivityVerb.REMOVED,
            subject="" if leaving else membership.user.username,
            detail=f"was {membership.get_role_display()}",
        )
        close_user_sockets(user_id=membership.user_id, studio_id=membership.studio_id)
