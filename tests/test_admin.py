"""The Django admin: every model listed for staff, no credential's secret anywhere."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from generation.models import ProviderCredential, ScriptAssistant
from projects.team_models import Activity, ActivityVerb
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

API_KEY = "sk-admin-test-SECRET-abcd1234"  # noqa: S105
WEBHOOK_SECRET = "whsec_admin-test-SECRET"  # noqa: S105


@pytest.fixture
def staff_client(client):  # type: ignore[no-untyped-def]
    client.force_login(
        get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    )
    return client


@pytest.fixture
def secrets_stored(studio, owner):  # type: ignore[no-untyped-def]
    credential = ProviderCredential(studio=studio, provider="openai")
    credential.set_api_key(API_KEY)
    credential.set_webhook_secret(WEBHOOK_SECRET)
    credential.save()
    assistant = ScriptAssistant(studio=studio, model="chat-model")
    assistant.set_api_key(API_KEY)
    assistant.save()
    Activity.objects.create(studio=studio, actor=owner, verb=ActivityVerb.JOINED)
    return credential, assistant


def test_every_app_model_has_a_changelist_and_none_shows_a_secret(
    staff_client, episode, secrets_stored
):
    ours = [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"characters", "projects", "generation"}
    ]
    assert {m._meta.app_label for m in ours} == {"characters", "projects", "generation"}

    for model in ours:
        meta = model._meta
        listing = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200, model
        assert (
            API_KEY not in listing.content.decode()
            and WEBHOOK_SECRET not in listing.content.decode()
        )
        searched = staff_client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + "?q=x"
        )
        assert searched.status_code == 200, model


def test_credential_pages_show_only_the_last_four_characters(staff_client, secrets_stored):
    credential, assistant = secrets_stored

    for obj in (credential, assistant):
        meta = obj._meta
        page = staff_client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        )
        body = page.content.decode()
        assert page.status_code == 200
        assert "1234" in body
        assert API_KEY not in body and WEBHOOK_SECRET not in body
        assert obj.api_key_sealed not in body


def test_activity_entries_cannot_be_changed_or_deleted_in_the_admin(staff_client, secrets_stored):
    entry = Activity.objects.get()

    deleted = staff_client.post(
        reverse("admin:projects_activity_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert deleted.status_code == 403
    assert Activity.objects.filter(pk=entry.pk).exists()
