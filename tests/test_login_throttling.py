"""Login throttling (django-axes): by username and by address, admin included, with an unlock."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str, *, address: str = "10.0.0.1", url="/login/"):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(client, settings):
    make_user("mia")
    answers = [_login(client, "mia", "wrong") for _ in range(30)]
    assert answers[0].status_code == 200  # the login form again, with its error
    assert answers[-1].status_code == 429

    locked = _login(client, "mia", PASSWORD)

    assert locked.status_code == 429 and not _signed_in(client)
    page = locked.content.decode()
    assert "Too many failed logins" in page and "ask an administrator" in page


def test_a_username_is_locked_whatever_address_the_attempts_come_from(client, settings):
    make_user("mia")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "mia", "wrong", address=f"10.0.1.{n}")
    assert _login(client, "mia", PASSWORD, address="10.0.2.1").status_code == 429


def test_an_address_is_locked_whatever_usernames_it_tries(client, settings):
    make_user("mia")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong", address="10.0.3.3")
    assert _login(client, "mia", PASSWORD, address="10.0.3.3").status_code == 429
    assert _login(client, "mia", PASSWORD, address="10.0.3.4").status_code == 302


def test_the_admin_login_is_throttled_too(client, settings):
    admin = make_user("root_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "root_admin", "wrong", url="/admin/login/")
    locked = _login(client, "root_admin", PASSWORD, url="/admin/login/")
    assert locked.status_code == 429 and not _signed_in(client)


def test_an_administrator_unlocks_an_account_with_the_documented_commands(client, settings):
    make_user("mia")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "mia", "wrong")
    assert _login(client, "mia", PASSWORD).status_code == 429

    call_command("axes_reset_username", "mia")
    call_command("axes_reset_ip", "10.0.0.1")

    assert _login(client, "mia", PASSWORD).status_code == 302 and _signed_in(client)
