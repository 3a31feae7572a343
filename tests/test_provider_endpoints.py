"""A credential's base URL cannot carry its key elsewhere, nor reach internal addresses."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from generation.credentials import ProviderCredential
from generation.drafting import save_assistant
from generation.providers import ProviderError, get_provider
from generation.providers.endpoints import EndpointRefused, check_base_url
from tests.fake_chat import FakeChat
from tests.providers import SECRET_KEY
from tests.test_provider_pages import CREDENTIAL_FORM

pytestmark = pytest.mark.django_db

INTERNAL = [
    "http://127.0.0.1:8000/v1",
    "http://localhost/v1",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.7/v1",
    "http://192.168.1.1/v1",
    "http://172.16.0.1/v1",
    "http://[::1]/v1",
    "http://[::ffff:127.0.0.1]/v1",
    "http://100.64.0.1/v1",
    "http://0.0.0.0/v1",
]


@pytest.fixture
def strict(settings):  # type: ignore[no-untyped-def]
    settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = False
    return settings


def _providers_url(studio) -> str:  # type: ignore[no-untyped-def]
    return f"/studios/{studio.pk}/providers/"


def test_changing_the_base_url_needs_the_key_again(client, studio, owner):
    client.force_login(owner)
    client.post(_providers_url(studio), CREDENTIAL_FORM)

    response = client.post(
        _providers_url(studio),
        {**CREDENTIAL_FORM, "api_key": "", "base_url": "https://attacker.example.test/v1"},
    )

    assert response.status_code == 400
    assert "Enter the API key again to change the base URL" in unescape(response.content.decode())
    assert ProviderCredential.objects.get().base_url == CREDENTIAL_FORM["base_url"]


@pytest.mark.parametrize("url", INTERNAL)
def test_an_internal_base_url_is_refused(client, studio, owner, strict, url):
    client.force_login(owner)
    response = client.post(_providers_url(studio), {**CREDENTIAL_FORM, "base_url": url})
    assert response.status_code == 400
    assert "an internal address" in unescape(response.content.decode())
    assert not ProviderCredential.objects.exists()


def test_a_public_address_passes_the_check(strict):
    check_base_url("https://8.8.8.8/v1")
    with pytest.raises(EndpointRefused, match="cannot be resolved"):
        check_base_url("https://no-such-host.invalid/v1")
    with pytest.raises(EndpointRefused, match="http"):
        check_base_url("file:///etc/passwd")


def test_a_stored_internal_base_url_is_refused_again_when_used(studio, strict):
    credential = ProviderCredential(studio=studio, provider="openai", base_url=INTERNAL[2])
    credential.set_api_key(SECRET_KEY)
    credential.save()  # stored before the check existed, or the DNS answer changed since

    provider = get_provider("openai", credential.config())
    with pytest.raises(ProviderError) as refused:
        provider.poll("video_1")

    assert refused.value.permanent and "internal address" in str(refused.value)


def test_the_script_assistant_refuses_an_internal_url_and_a_new_url_without_its_key(
    client, studio, owner, episode, writer, strict
):
    client.force_login(owner)
    url = reverse("generation:script_assistant", args=[studio.pk])
    form = {"api_key": "sk-chat-1234", "base_url": "http://169.254.169.254/v1", "model": "m"}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "internal address" in unescape(refused.content.decode())

    client.post(url, {**form, "base_url": "https://8.8.8.8/v1"})
    moved = client.post(url, {**form, "api_key": "", "base_url": "https://8.8.4.4/v1"})
    assert "Enter the API key again" in unescape(moved.content.decode())


def test_drafting_with_a_stored_internal_url_sends_nothing(
    client, studio, episode, writer, settings
):
    chat = FakeChat().start()
    try:
        save_assistant(studio_id=studio.pk, api_key="sk-chat-1", base_url=chat.base_url, model="m")
        settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = False
        client.force_login(writer)
        response = client.post(
            reverse("generation:draft_scenes", args=[episode.pk]), {"prose": "A cat."}
        )
        assert response.status_code == 400
        assert "internal address" in unescape(response.content.decode())
        assert chat.requests == []
    finally:
        chat.stop()


@pytest.mark.parametrize("url", ["https://x]y/v1", "https://[F804BE]:65533/v1", "http://[::1"])
def test_a_malformed_base_url_is_refused_with_a_message_not_a_500(client, studio, owner, url):
    client.force_login(owner)
    response = client.post(_providers_url(studio), {**CREDENTIAL_FORM, "base_url": url})
    assert response.status_code == 400
    assert "Enter a valid URL." in unescape(response.content.decode())
    assert not ProviderCredential.objects.exists()
    # Paths without the form's URL field (a stored value, the API) get the check's words.
    with pytest.raises(EndpointRefused, match="not a valid http"):
        check_base_url(url)
