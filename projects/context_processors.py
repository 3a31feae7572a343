"""The top bar's studio switcher and studio menu, on every page of a signed-in user."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from characters.requests import signed_in
from projects.models import Membership
from projects.studio_views import CURRENT_STUDIO_KEY


def studio_menu(request: HttpRequest) -> dict[str, object]:
    """The user's memberships and the current one (the page's studio, else the last chosen)."""
    user = signed_in(request.user)
    if user is None:
        return {"open_signup": settings.COMICSTUDIO_OPEN_SIGNUP}
    memberships = list(
        Membership.objects.filter(user=user).select_related("studio").order_by("studio__name")
    )
    match = request.resolver_match
    wanted = (match.kwargs.get("studio_id") if match else None) or request.session.get(
        CURRENT_STUDIO_KEY
    )
    current = next((m for m in memberships if m.studio_id == wanted), None)
    if current is None and memberships:
        current = memberships[0]
    return {"my_memberships": memberships, "current_membership": current}
