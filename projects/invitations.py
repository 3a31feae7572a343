"""Invitations: single-use, expiring, revocable links to join a studio with a role.

The link carries a random secret signed with the site's key; the database keeps only
the secret's SHA-256. A stolen database cannot make a working link, and a link whose
signature does not match is refused before any lookup.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from projects.activity import record_activity
from projects.models import Membership, Role, Studio
from projects.team_models import ActivityVerb, Invitation, InvitationState, hash_token

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)
SALT = "projects.invitation"


class InvitationRefused(Exception):
    """An invitation that cannot be made or used; the message is shown to the user."""


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def _find_user(who: str) -> User | None:
    users = get_user_model().objects.filter(is_active=True)
    if "@" in who:
        matches = list(users.filter(email__iexact=who)[:2])
        return matches[0] if len(matches) == 1 else None
    return users.filter(username__iexact=who).first()


def create_invitation(
    *, studio: Studio, actor: User, who: str, role: str, link_for: Callable[[str], str]
) -> tuple[Invitation, str, bool]:
    """Invite a person by username or email and email them the link.

    Returns the invitation, its link (shown once to the owner) and whether the email went
    out. `link_for` turns the token into the absolute URL of the accept page.
    """
    who = who.strip()
    if role not in Role.values:
        raise InvitationRefused("Choose one of the studio's roles.")
    if "@" in who:
        try:
            validate_email(who)
        except ValidationError:
            raise InvitationRefused(f"“{who}” is not a valid email address.") from None
    user = _find_user(who)
    if user is None and "@" not in who:
        raise InvitationRefused(
            f"No account is called “{who}”. Invite them by email address instead."
        )
    if user is not None and Membership.objects.filter(studio=studio, user=user).exists():
        raise InvitationRefused(f"{user.username} is already a member of {studio.name}.")
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            studio=studio,
            role=role,
            email=user.email if user else who,
            invited_user=user,
            token_hash=hash_token(raw),
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.COMICSTUDIO_INVITATION_DAYS),
        )
        record_activity(
            studio=studio,
            actor=actor,
            verb=ActivityVerb.INVITED,
            subject=invitation.invitee,
            detail=f"as {invitation.get_role_display()}",
        )
    link = link_for(_signer().sign(raw))
    # After the commit: an email never names an invitation that was rolled back.
    return invitation, link, bool(invitation.email) and _email(invitation, link)


def _email(invitation: Invitation, link: str) -> bool:
    context = {"invitation": invitation, "link": link}
    try:
        send_mail(
            subject=f"You are invited to {invitation.studio.name} on Comic Studio",
            message=render_to_string("projects/invitation_email.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except OSError as exc:  # smtplib's errors are OSErrors: the owner still has the link
        log.warning("invitation email to %s failed: %r", invitation.email, exc)
        return False
    return True


def find_invitation(token: str) -> Invitation:
    """The invitation a link names, whatever its state; refused if the link is not genuine."""
    try:
        raw = _signer().unsign(token)
    except signing.BadSignature:
        raise InvitationRefused("This invitation link is not valid.") from None
    invitation = (
        Invitation.objects.select_related("studio", "invited_user", "created_by")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if invitation is None:
        raise InvitationRefused("This invitation link is not valid.")
    return invitation


STATE_MESSAGES = {
    InvitationState.ACCEPTED: "This invitation has already been used.",
    InvitationState.REVOKED: "This invitation was withdrawn by the studio's owner.",
    InvitationState.EXPIRED: "This invitation has expired. Ask the studio's owner for a new one.",
}


def refusal_for(invitation: Invitation, user: User | None) -> str:
    """Why this user may not accept the invitation now, or "" if they may."""
    if message := STATE_MESSAGES.get(invitation.state):  # type: ignore[call-overload]
        return message
    if user is None:
        return ""
    if invitation.invited_user_id is not None and invitation.invited_user_id != user.pk:
        return f"This invitation is for another account. You are signed in as {user.username}."
    if invitation.invited_user_id is None and invitation.email.lower() != user.email.lower():
        return (
            f"This invitation was sent to {invitation.email}, not to the address of your "
            f"account ({user.email or 'none'}). Sign in with that account, or ask the owner "
            "to invite your username."
        )
    if Membership.objects.filter(studio=invitation.studio, user=user).exists():
        return f"You are already a member of {invitation.studio.name}."
    return ""


def accept_invitation(*, token: str, user: User) -> Membership:
    """Join the studio with the invitation's role; the invitation is then used up."""
    with transaction.atomic():
        invitation = find_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if message := refusal_for(invitation, user):
            raise InvitationRefused(message)
        membership = Membership.objects.create(
            studio=invitation.studio, user=user, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_activity(
            studio=invitation.studio,
            actor=user,
            verb=ActivityVerb.JOINED,
            detail=f"as {membership.get_role_display()}",
        )
    return membership


def revoke_invitation(*, invitation: Invitation, actor: User) -> None:
    """Withdraw a pending invitation; its link stops working at once."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state != InvitationState.PENDING:
            raise InvitationRefused(STATE_MESSAGES[InvitationState(invitation.state)])
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_activity(
            studio=invitation.studio,
            actor=actor,
            verb=ActivityVerb.INVITATION_REVOKED,
            subject=invitation.invitee,
        )


def signup_invitation(token: str) -> Invitation | None:
    """The pending invitation for a new account that a link names, or None.

    Sign-up with COMICSTUDIO_OPEN_SIGNUP off checks this; an invitation of an existing
    account opens no sign-up.
    """
    try:
        invitation = find_invitation(token)
    except InvitationRefused:
        return None
    pending = invitation.state == InvitationState.PENDING
    return invitation if pending and invitation.invited_user_id is None else None
