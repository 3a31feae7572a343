"""Every API error as `application/problem+json` (RFC 9457), with field errors where known.

One handler per kind of refusal; the message is the one the pages show (the door's
refusal, the access helper's, a form's). Nothing the client sends turns into a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from generation.api.auth import NotFound, ReadOnlyToken
from generation.api.json import dumps

log = logging.getLogger(__name__)
CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
}


class Problem(Exception):
    """A refusal with a status, a code and a message; extra members go into the body."""

    def __init__(self, status: int, detail: str, code: str = "", **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.extra = status, detail, code, extra


def problem(
    status: int, detail: str, code: str = "", errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> HttpResponse:  # fmt: skip
    """The problem+json response; `code` names the refusal for programs, `detail` for people."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code or TITLES.get(status, "error").lower().replace(" ", "-"),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(dumps(body), status=status, content_type=CONTENT_TYPE)


def form_problem(form: forms.BaseForm) -> Problem:
    """A form's errors as field errors (422); `__all__` becomes the detail."""
    errors = [
        {"field": "" if field == "__all__" else field, "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    detail = " ".join(e["message"] for e in errors if not e["field"]) or "Check the fields."
    return Problem(422, detail, "invalid-input", errors=errors)


def _location(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API."""

    @api.exception_handler(Problem)
    def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        errors = exc.extra.pop("errors", None)
        return problem(exc.status, exc.detail, exc.code, errors, **exc.extra)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _location(list(e.get("loc", []))), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return problem(422, "The request does not match the schema.", "invalid-input", errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            401, "Send a valid personal access token: Authorization: Bearer cst_…", "token"
        )
        response["WWW-Authenticate"] = 'Bearer realm="comicstudio"'
        return response

    @api.exception_handler(ReadOnlyToken)
    def _read_only(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
        return problem(403, "This token may only read: create a token with write scope.", "scope")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, str(exc) or "Your role does not allow this.", "role")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "No such object, or not one this token may see.", "not-found")

    @api.exception_handler(NotFound)
    def _not_found_here(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return _not_found(request, Http404())

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return problem(429, "Too many requests with this token: wait and retry.", "rate-limit")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(
            exc.status_code,
            str(exc),
            TITLES.get(exc.status_code, "error").lower().replace(" ", "-"),
        )

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return problem(500, "Something went wrong on our side; nothing was changed.", "server")
