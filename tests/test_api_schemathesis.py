"""Schemathesis against the API's own OpenAPI schema: generated requests for every
operation (bounded: a few examples each, so CI stays fast) never get a 500, and every
answer matches the schema (status codes, content types, bodies).

The SSE stream is left out: under WSGI it never ends (tests/test_api_live.py covers it).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tests.api_world import token_for

pytestmark = pytest.mark.django_db(transaction=True)
# Bounded for CI, and the same examples every run (no lottery in CI). To explore, set
# API_FUZZ_EXAMPLES=200: then the examples are random too.
EXPLORE = int(os.environ.get("API_FUZZ_EXAMPLES", "0"))
EXAMPLES = EXPLORE or 15


# The schema view reads no database: it loads at collection, as the app would serve it.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def owner_token(studio, owner, episode, settings) -> str:  # type: ignore[no-untyped-def]
    settings.COMICSTUDIO_API_RATE = "100000/min"
    return token_for(owner, studio)


@schema.exclude(path_regex=r".*/events$").parametrize()
@settings(
    max_examples=EXAMPLES,
    database=None,  # nothing written to .hypothesis/
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],  # fmt: skip
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, owner_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_token}"})
