"""Who is asking: the types of request.user, narrowed once for views and querysets."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

# A signed-in user or an anonymous visitor, as request.user and scope["user"] are.
Viewer = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind @login_required."""

    user: User


def signed_in(user: Viewer) -> User | None:
    """The user if signed in, else None."""
    return user if isinstance(user, User) and user.is_authenticated else None
