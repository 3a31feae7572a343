"""Invitations: made by owners, emailed, single use, expiring, revocable, for one person."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.models import Membership, Role
from projects.team_models import Activity, Invitation, hash_token
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/invitations/[^/\s]+/)")


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a user reads it (entities decoded)."""
    return unescape(response.content.decode())


def invite(client, owner, studio, who: str, role: str = Role.WRITER):  # type: ignore[no-untyped-def]
    """The owner invites `who` on the Members page; returns the page and the link's path."""
    client.force_login(owner)
    page = client.post(reverse("projects:members", args=[studio.pk]), {"who": who, "role": role})
    match = LINK.search(text(page))
    return page, match.group(1) if match else None


def test_invitation_by_email_is_emailed_and_shown_once(
    client, studio, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page, path = invite(client, owner, studio, "newcomer@example.com")

    assert page.status_code == 200 and path
    assert "No account uses this address yet: they can sign up from the link." in text(page)
    assert "It was emailed to newcomer@example.com" in text(page)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.com"]
    assert path in mail.outbox[0].body and "Test Studio" in mail.outbox[0].subject
    # Only the hash is stored; the link is on no other page.
    token = path.split("/")[2]
    assert not Invitation.objects.filter(token_hash__contains=token.split(":")[0]).exists()
    assert Invitation.objects.get().token_hash == hash_token(token.split(":")[0])
    members_page = client.get(reverse("projects:members", args=[studio.pk])).content.decode()
    assert path not in members_page and "newcomer@example.com" in members_page


def test_accepting_applies_the_role_and_uses_the_invitation_up(client, studio, owner):
    _, path = invite(client, owner, studio, "wanda", Role.REVIEWER)
    assert path is None  # no such account: refused
    wanda = make_user("wanda")
    page, path = invite(client, owner, studio, "wanda", Role.REVIEWER)
    assert path

    client.force_login(wanda)
    assert "Join Test Studio" in text(client.get(path))
    response = client.post(path, follow=True)

    assert "You joined as Reviewer" in text(response)
    assert Membership.objects.get(studio=studio, user=wanda).role == Role.REVIEWER
    again = client.post(path)
    assert again.status_code == 409
    assert "already been used" in text(again)
    assert Activity.objects.filter(studio=studio, verb="joined", actor=wanda).exists()


def test_unknown_username_is_refused_with_a_hint(client, studio, owner):
    page, path = invite(client, owner, studio, "nobody_here")

    assert path is None
    assert "No account is called “nobody_here”. Invite them by email address instead." in (
        text(page)
    )
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(client, studio, owner, writer):
    page, path = invite(client, owner, studio, "wendy_writer")

    assert path is None
    assert "wendy_writer is already a member of Test Studio." in text(page)
    assert not Invitation.objects.exists()


def test_expired_invitation_is_refused(client, studio, owner):
    newcomer = make_user("newcomer")
    _, path = invite(client, owner, studio, "newcomer")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    client.force_login(newcomer)
    response = client.post(path)

    assert response.status_code == 409
    assert "This invitation has expired." in text(response)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_revoked_invitation_is_refused(client, studio, owner):
    newcomer = make_user("newcomer")
    _, path = invite(client, owner, studio, "newcomer")
    invitation = Invitation.objects.get()
    revoked = client.post(
        reverse("projects:revoke_invitation", args=[studio.pk, invitation.pk]), follow=True
    )
    assert "The invitation of newcomer was withdrawn." in text(revoked)

    client.force_login(newcomer)
    response = client.post(path)

    assert response.status_code == 409
    assert "withdrawn by the studio's owner" in text(response)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_wrong_user_cannot_accept(client, studio, owner, outsider):
    make_user("newcomer")
    _, path = invite(client, owner, studio, "newcomer")

    client.force_login(outsider)
    page = text(client.get(path))
    response = client.post(path)

    assert "This invitation is for another account. You are signed in as otto_outsider." in page
    assert response.status_code == 409
    assert not Membership.objects.filter(user=outsider, studio=studio).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_forged_or_tampered_link_is_not_valid(client, studio, owner):
    _, path = invite(client, owner, studio, "someone@example.com")
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    response = client.get(tampered)

    assert response.status_code == 404
    assert "This invitation link is not valid." in text(response)


def test_new_person_signs_up_through_the_invitation_with_signup_closed(
    client, studio, owner, settings
):
    settings.COMICSTUDIO_OPEN_SIGNUP = False
    _, path = invite(client, owner, studio, "fresh@example.com", Role.WRITER)
    client.logout()
    token = path.split("/")[2]

    closed = client.get(reverse("projects:signup"))
    invitation_page = text(client.get(path))
    form = client.get(reverse("projects:signup") + f"?invitation={token}")
    created = client.post(
        reverse("projects:signup") + f"?invitation={token}",
        {
            "username": "fresh",
            "email": "fresh@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    joined = client.post(path, follow=True)

    assert closed.status_code == 403 and "Sign-up is by invitation" in text(closed)
    assert "Sign up to accept" in invitation_page
    assert form.status_code == 200 and 'value="fresh@example.com"' in text(form)
    assert "Join Test Studio" in text(created)
    assert "You joined as Writer" in text(joined)
    user = get_user_model().objects.get(username="fresh")
    assert Membership.objects.get(user=user, studio=studio).role == Role.WRITER


def test_email_invitation_is_for_that_address_only(client, studio, owner):
    _, path = invite(client, owner, studio, "fresh@example.com")
    other = get_user_model().objects.create_user("other", "other@example.com", PASSWORD)

    client.force_login(other)
    response = client.post(path)

    assert response.status_code == 409
    assert "This invitation was sent to fresh@example.com" in text(response)


def test_an_invalid_address_is_refused_and_nothing_is_created(client, studio, owner):
    page, path = invite(client, owner, studio, "someone@")

    assert path is None
    assert "“someone@” is not a valid email address." in text(page)
    assert not Invitation.objects.exists()


def test_an_invitation_of_an_existing_account_offers_no_sign_up(client, studio, owner, settings):
    settings.COMICSTUDIO_OPEN_SIGNUP = False
    make_user("known")
    _, path = invite(client, owner, studio, "known")
    client.logout()
    token = path.split("/")[2]

    page = text(client.get(path))
    signup = client.get(reverse("projects:signup") + f"?invitation={token}")

    assert "Log in to accept" in page and "Sign up to accept" not in page
    assert signup.status_code == 403
