"""Studios and members: creating, settings, roles, removal, leaving, the activity log."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from projects.models import Membership, Role, Studio
from projects.team_models import Activity
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode())


def members_url(studio: Studio) -> str:
    return reverse("projects:members", args=[studio.pk])


def test_signed_in_user_creates_a_studio_and_owns_it(client):
    user = make_user("newbie")
    client.force_login(user)

    response = client.post(
        reverse("generation:new_studio"),
        {
            "name": "Night Owls",
            "description": "Late shows",
            "default_aspect_ratio": "16:9",
            "default_provider": "animatic",
        },
        follow=True,
    )

    studio = Studio.objects.get(name="Night Owls")
    assert "Night Owls is ready. Invite your team next." in text(response)
    assert Membership.objects.get(studio=studio, user=user).role == Role.OWNER
    assert studio.default_aspect_ratio == "16:9" and studio.description == "Late shows"
    assert Activity.objects.get(studio=studio).verb == "studio_created"


def test_duplicate_studio_name_among_ones_own_studios_is_refused(client, studio, owner):
    client.force_login(owner)
    data = {"name": "test studio", "default_aspect_ratio": "9:16", "default_provider": "animatic"}

    response = client.post(reverse("generation:new_studio"), data)

    assert response.status_code == 200
    assert "You already have a studio called “test studio”." in text(response)
    assert Studio.objects.filter(name__iexact="test studio").count() == 1
    # Another user may use the same name for their own studio.
    client.force_login(make_user("elsewhere"))
    client.post(reverse("generation:new_studio"), data)
    assert Studio.objects.filter(name__iexact="test studio").count() == 2


def test_owner_changes_studio_settings_and_the_change_is_logged(client, studio, owner):
    client.force_login(owner)
    data = {
        "name": "Renamed",
        "description": "New",
        "default_aspect_ratio": "1:1",
        "default_provider": "animatic",
    }

    response = client.post(
        reverse("generation:studio_settings", args=[studio.pk]), data, follow=True
    )

    studio.refresh_from_db()
    assert "Studio settings saved." in text(response)
    assert (studio.name, studio.default_aspect_ratio) == ("Renamed", "1:1")
    entry = Activity.objects.get(studio=studio, verb="studio_settings")
    assert entry.actor == owner and "name: Test Studio → Renamed" in entry.detail
    activity = text(client.get(reverse("projects:activity", args=[studio.pk])))
    assert "changed the studio settings" in activity and "olga_owner" in activity


def test_owner_changes_a_role(client, studio, owner, writer):
    client.force_login(owner)
    membership = Membership.objects.get(user=writer)

    response = client.post(
        reverse("projects:set_role", args=[studio.pk, membership.pk]),
        {"role": "reviewer"},
        follow=True,
    )

    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER
    assert "wendy_writer is now Reviewer." in text(response)
    entry = Activity.objects.get(verb="role_changed")
    assert (entry.actor, entry.subject, entry.detail) == (
        owner,
        "wendy_writer",
        "Writer → Reviewer",
    )


def test_last_owner_can_neither_be_demoted_nor_leave(client, studio, owner, writer):
    client.force_login(owner)
    mine = Membership.objects.get(user=owner)

    demoted = client.post(
        reverse("projects:set_role", args=[studio.pk, mine.pk]), {"role": "writer"}, follow=True
    )
    left = client.post(reverse("projects:remove_member", args=[studio.pk, mine.pk]), follow=True)

    assert "The last owner cannot be given another role. Make another member an owner first." in (
        text(demoted)
    )
    assert "The last owner cannot leave the studio." in text(left)
    mine.refresh_from_db()
    assert mine.role == Role.OWNER
    # With a second owner, the first may step down.
    client.post(
        reverse("projects:set_role", args=[studio.pk, Membership.objects.get(user=writer).pk]),
        {"role": "owner"},
    )
    client.post(reverse("projects:set_role", args=[studio.pk, mine.pk]), {"role": "viewer"})
    mine.refresh_from_db()
    assert mine.role == Role.VIEWER


def test_member_leaves_the_studio(client, studio, owner, writer):
    client.force_login(writer)
    mine = Membership.objects.get(user=writer)

    response = client.post(
        reverse("projects:remove_member", args=[studio.pk, mine.pk]), follow=True
    )

    assert "You left Test Studio." in text(response)
    assert not Membership.objects.filter(user=writer).exists()
    assert client.get(members_url(studio)).status_code == 404
    assert Activity.objects.get(verb="left").actor == writer


def test_removed_member_loses_the_studio_pages_at_once(client, studio, owner, writer, episode):
    membership = Membership.objects.get(user=writer)
    client.force_login(owner)

    response = client.post(
        reverse("projects:remove_member", args=[studio.pk, membership.pk]), follow=True
    )

    assert "wendy_writer was removed from Test Studio." in text(response)
    client.force_login(writer)
    assert client.get(reverse("board:storyboard", args=[episode.pk])).status_code == 404
    assert client.get(members_url(studio)).status_code == 404
    assert Activity.objects.get(verb="removed").subject == "wendy_writer"


def test_non_owner_cannot_change_roles_or_remove(client, studio, owner, producer, writer):
    client.force_login(producer)
    target = Membership.objects.get(user=writer)

    role = client.post(reverse("projects:set_role", args=[studio.pk, target.pk]), {"role": "owner"})
    removal = client.post(reverse("projects:remove_member", args=[studio.pk, target.pk]))

    assert (role.status_code, removal.status_code) == (403, 403)
    target.refresh_from_db()
    assert target.role == Role.WRITER
    page = text(client.get(members_url(studio)))
    assert "Change role" not in page and "Invite someone" not in page and "Leave studio" in page


def test_members_page_shows_the_team_to_every_member(client, studio, owner, viewer):
    client.force_login(viewer)

    page = text(client.get(members_url(studio)))

    assert "olga_owner" in page and "vic_viewer" in page


def test_signup_account_page_and_display_name(client):
    response = client.post(
        reverse("projects:signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert "Welcome, newbie. Create your studio to begin." in text(response)
    assert "Create a studio" in text(response)

    saved = client.post(
        reverse("projects:account"),
        {"first_name": "Nina B.", "email": "newbie@example.com"},
        follow=True,
    )

    assert "Your account was saved." in text(saved)
    assert get_user_model().objects.get(username="newbie").first_name == "Nina B."
    assert "Nina B." in text(client.get(reverse("generation:home")))  # the top bar


def test_signup_refuses_an_address_in_use_and_is_off_when_closed(client, settings):
    get_user_model().objects.create_user("first", "taken@example.com", PASSWORD)
    data = {
        "username": "second",
        "email": "TAKEN@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }

    refused = client.post(reverse("projects:signup"), data)
    settings.COMICSTUDIO_OPEN_SIGNUP = False
    closed = client.post(reverse("projects:signup"), {**data, "email": "new@example.com"})

    assert "An account already uses this address." in text(refused)
    assert closed.status_code == 403
    assert not get_user_model().objects.filter(username="second").exists()


def test_password_reset_by_email(client):
    get_user_model().objects.create_user("forgetful", "forgetful@example.com", PASSWORD)

    client.post(reverse("password_reset"), {"email": "forgetful@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another-pass-77", "new_password2": "another-pass-77"},
        follow=True,
    )

    assert "Your new password is set." in text(done)
    # Signing in through the login page (django-axes authenticates only with a request).
    signed_in = client.post(
        reverse("login"), {"username": "forgetful", "password": "another-pass-77"}
    )
    assert signed_in.status_code == 302 and client.session.get("_auth_user_id")


def test_password_change(client):
    user = make_user("changer")
    client.force_login(user)

    page = client.get(reverse("password_change"))
    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-5",
            "new_password2": "brand-new-pass-5",
        },
        follow=True,
    )

    assert page.status_code == 200 and "Change your password" in text(page)
    assert "Your password was changed." in text(done)


def test_account_refuses_an_address_of_another_account(client):
    get_user_model().objects.create_user("first", "first@example.com", PASSWORD)
    user = make_user("second")
    client.force_login(user)

    response = client.post(
        reverse("projects:account"), {"first_name": "", "email": "FIRST@example.com"}
    )

    assert "Another account already uses this address." in text(response)
    user.refresh_from_db()
    assert user.email == ""


def test_demo_data_never_lands_in_a_users_own_studio_of_the_same_name(settings):
    from django.core.management import call_command

    from projects.membership import create_studio

    settings.COMICSTUDIO_DEMO = True
    mine = create_studio(user=make_user("fan"), name="Demo Studio")

    call_command("load_demo")
    call_command("load_demo")  # idempotent

    demo = Studio.objects.exclude(pk=mine.pk).get(name="Demo Studio")
    assert demo.memberships.count() == 5 and demo.projects.count() == 1
    assert list(mine.memberships.values_list("user__username", flat=True)) == ["fan"]
    assert not mine.projects.exists()


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        (
            "owner",
            [
                "Members",
                "My reviews",
                "Providers",
                "Prices",
                "Costs",
                "Script assistant",
                "Character design",
                "Settings",
                "Activity",
            ],
        ),
        ("producer", ["Members", "Costs"]),
        ("viewer", ["Members", "Costs"]),
    ],
)
def test_studio_menu_shows_each_role_its_entries(client, studio, role, entries):

    user = make_user(f"menu_{role}")
    Membership.objects.create(studio=studio, user=user, role=role)
    client.force_login(user)

    page = client.get(members_url(studio)).content.decode()

    menu = page.split('class="menu-panel studio-menu">')[1].split("</div>")[0]
    assert re.findall(r'class="menu-item" href="[^"]+">([^<]+)</a>', menu) == entries
    for link in re.findall(r'href="([^"]+)"', menu):
        assert client.get(link).status_code == 200, link


def current_studio(page: str) -> str:
    found = re.search(r'class="current-studio">([^<]+)<', page)
    assert found
    return found.group(1)


def test_switcher_lists_the_users_studios_and_switches(client, studio, owner):
    from projects.membership import create_studio

    other = create_studio(user=owner, name="Alpha Shop")  # first by name: the default
    client.force_login(owner)

    page = client.get(reverse("generation:home")).content.decode()
    before = current_studio(page)
    client.post(reverse("projects:switch_studio"), {"studio": studio.pk})
    after = client.get(reverse("generation:home")).content.decode()

    assert "Alpha Shop" in page and "Test Studio" in page
    assert (before, current_studio(after)) == ("Alpha Shop", "Test Studio")
    assert f'href="/studios/{studio.pk}/members/"' in after
    assert f'href="/studios/{other.pk}/members/"' not in after
