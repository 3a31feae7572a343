"""The per-token rate limit, the token page, and the docs page's schema."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

import pytest
from django.urls import reverse

from generation.api.models import ApiToken, token_digest
from tests.api_world import api, token_for

pytestmark = pytest.mark.django_db


def test_a_token_over_its_rate_gets_429_with_retry_after_and_others_go_on(
    studio, writer, producer, settings
):
    settings.COMICSTUDIO_API_RATE = "3/min"
    busy, calm = api(token_for(writer, studio)), api(token_for(producer, studio))
    answers = [busy.get("/api/v1/projects").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = busy.get("/api/v1/projects")
    assert refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "rate-limit"
    assert calm.get("/api/v1/projects").status_code == 200


def test_two_requests_checked_at_once_keep_their_own_count(settings):
    """One throttle serves every page thread of a process: a refused token's Retry-After
    comes from its own history, even when another token was checked in between."""
    from django.core.cache import cache

    from generation.api.auth import TokenRateThrottle

    settings.COMICSTUDIO_API_RATE = "2/min"
    throttle = TokenRateThrottle()
    cache.delete_many(["api-throttle-busy", "api-throttle-calm"])
    busy, calm = SimpleNamespace(auth="busy"), SimpleNamespace(auth="calm")
    assert throttle.allow_request(busy) and throttle.allow_request(busy)
    checked, answered = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def refused_one() -> None:
        seen["allowed"] = throttle.allow_request(busy)
        checked.set()
        answered.wait(5)
        seen["wait"] = throttle.wait()

    thread = threading.Thread(target=refused_one)
    thread.start()
    checked.wait(5)
    assert throttle.allow_request(calm)  # another thread's check between the two calls
    answered.set()
    thread.join(5)
    assert seen["allowed"] is False
    assert 59 < seen["wait"] <= 60  # busy's minute; calm's history would say 30 s


def test_a_token_is_shown_once_stored_hashed_and_revoked_on_the_settings_page(
    client, studio, writer
):
    client.force_login(writer)
    page = client.post(
        reverse("tokens:tokens"),
        {"name": "render farm", "studio": studio.pk, "scope": "write", "expires_in": 30},
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret.startswith("cst_") and secret in page.content.decode()
    token = ApiToken.objects.get()
    assert token.digest == token_digest(secret) and secret not in str(token.__dict__)
    assert api(secret).get("/api/v1/me").json()["scope"] == "write"

    again = client.get(reverse("tokens:tokens")).content.decode()
    assert secret not in again and "render farm" in again and token.hint in again

    client.post(reverse("tokens:revoke", args=[token.pk]))
    assert api(secret).get("/api/v1/me").status_code == 401
    assert "revoked" in client.get(reverse("tokens:tokens")).content.decode()


def test_a_token_names_only_a_studio_of_ones_own(client, studio, writer, outsider):
    other = outsider.memberships.get().studio
    client.force_login(writer)
    form = {"name": "x", "studio": other.pk, "scope": "read", "expires_in": 7}
    page = client.post(reverse("tokens:tokens"), form)
    assert page.status_code == 400 and not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(client, studio, writer, owner):
    token_for(writer, studio)
    client.force_login(owner)
    assert (
        client.post(reverse("tokens:revoke", args=[ApiToken.objects.get().pk])).status_code == 404
    )
    assert ApiToken.objects.usable().count() == 1


def test_the_schema_is_valid_openapi_3_1_and_the_docs_page_needs_no_inline_script():
    from openapi_spec_validator import validate

    schema = api().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    validate(schema)
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = api().get("/api/v1/docs").content.decode()
    assert "<script>" not in docs.replace(" ", "") and "onload=" not in docs
    assert 'src="/static/ninja/swagger-ui-init.js"' in docs


def test_each_status_is_described_once_per_operation():
    raw = api().get("/api/v1/openapi.json").content.decode()
    schema = json.loads(raw, object_pairs_hook=_no_duplicates)
    assert all("404" in op["responses"] for ops in schema["paths"].values() for op in ops.values())


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicated keys: {keys}"
    return dict(pairs)


def test_the_token_of_a_member_who_left_the_studio_no_longer_works(studio, writer):
    secret = token_for(writer, studio)
    assert api(secret).get("/api/v1/me").status_code == 200
    writer.memberships.get(studio=studio).delete()
    refused = api(secret).get("/api/v1/projects")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
