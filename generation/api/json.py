"""JSON for the API's own responses (problems, replayed answers): dates and decimals as text."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)
