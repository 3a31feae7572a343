"""The OpenAPI document: every operation also answers problem+json for each refusal.

The refusals are the same for every operation (docs/api.md), so they are added here once
rather than on each of them; file downloads say they answer `video/mp4`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
REFUSALS = {
    "400": "The body is not JSON.",
    "401": "No valid token (missing, unknown, revoked or expired).",
    "403": "The role or the token's scope does not allow this.",
    "404": "No such object, or one the token may not know.",
    "409": "Refused by the state of things (the door, a changed total, a finished take).",
    "422": "Invalid input: `errors` lists the fields.",
    "429": "Too many requests with this token: see Retry-After.",
}
MP4 = {"video/mp4": {"schema": {"type": "string", "format": "binary"}}}


class ComicStudioApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                # ninja keys its responses by int: one key per status once dumped as JSON
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, text in REFUSALS.items():
                    responses.setdefault(status, {"description": text, "content": problem})
                if path.endswith("/video"):
                    responses["200"] = {"description": "The MP4 file.", "content": MP4}
                    responses["206"] = {"description": "A range of it.", "content": MP4}
                if path.endswith("/events"):
                    responses["200"] = {
                        "description": "Server-sent events.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    }
        return schema
