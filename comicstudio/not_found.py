"""One 404 for everything a user may not know exists, in every mode.

Access helpers raise Http404 for a foreign object and `get_object_or_404` for a missing
one; their messages differ ("No Take matches the given query."), and with DEBUG on Django
would print them. This middleware answers every view's Http404 with the same page, never
echoing the reason, and `handler404` does the same for URLs that match no route.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string


def not_found_response(request: HttpRequest) -> HttpResponse:
    """The one 404 page: the same bytes whatever was not found, and why."""
    return HttpResponse(render_to_string("404.html", request=request), status=404)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: no route matched (DEBUG off); the reason is not shown either."""
    return not_found_response(request)


class SameNotFound:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return not_found_response(request) if isinstance(exception, Http404) else None
