"""No input gives a 500: every route, as members who may act, with form data hypothesis makes.

The field names are those of the app's forms (and Django's own), so most requests reach
the form's validation and the service behind it; values are any text, numbers, ids of
rows that exist and rows that do not.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.route_matrix import ROUTES
from tests.test_route_matrix import APP_ROUTES, _url, world  # noqa: F401 (fixture)

FIELDS = (
    "action after angle api_key auto_fallback base_url batch_action budget camera character "
    "clip concurrency_limit confirm credential default_model direction duration_seconds "
    "fallback_provider heading image look model name note order price_per_second privacy "
    "prose provider q reason_code resolution restored_from scene script show source "
    "stall_seconds webhook_secret who with_audio handle kind appearance text line seconds "
    "scenes username password take_id number"
).split()

VALUES = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(["", "0", "1", "2", "999999", "-1", "on", "true", "1e309", "NaN", "@x"]),
    st.sampled_from(["approve", "reject", "omit", "up", "down", "openai", "veo", "animatic"]),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in APP_ROUTES if n not in ("logout",)])
def test_no_input_answers_500(name, world):  # noqa: F811 (the imported fixture)
    users, values = world
    rule = ROUTES[name]
    url = _url(name, values)
    clients = []
    for role in ("owner", "viewer"):  # one who may act everywhere, one who may not
        client = Client(raise_request_exception=False)
        client.force_login(users[role])
        clients.append(client)

    @settings(
        max_examples=5, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    @given(data=FORMS, query=FORMS, htmx=st.booleans())
    def attempt(data: dict[str, str], query: dict[str, str], htmx: bool) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        for client in clients:
            if rule.method == "GET":
                response = client.get(url, query, headers=headers)
            else:
                response = client.post(url, data, headers=headers)
            assert response.status_code < 500, (client, data, query, response.status_code)

    attempt()
