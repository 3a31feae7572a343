"""A user's small profile page, with follow and unfollow."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from characters.models import Character, Follow
from characters.requests import AuthenticatedHttpRequest
from characters.services import follow, unfollow


def _person(username: str) -> User:
    return get_object_or_404(get_user_model(), username=username, is_active=True)


def _follow_context(me: User, person: User) -> dict[str, object]:
    return {
        "person": person,
        "is_me": me == person,
        "i_follow": Follow.objects.filter(follower=me, followed=person).exists(),
        "follows_me": Follow.objects.filter(follower=person, followed=me).exists(),
        "followers": person.followers.count(),  # type: ignore[attr-defined]
        "following": person.following.count(),  # type: ignore[attr-defined]
    }


@login_required
@require_safe
def profile(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    # Only the characters of theirs that the visitor may see: counts included.
    characters = Character.objects.visible_to(request.user).filter(owner=person)
    context = _follow_context(request.user, person) | {
        "characters": characters.prefetch_related("references")
    }
    return render(request, "characters/profile.html", context)


@login_required
@require_POST
def toggle_follow(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    if request.POST.get("follow") == "1":
        follow(follower=request.user, followed=person)
    else:
        unfollow(follower=request.user, followed=person)
    return render(request, "characters/profile.html#follow", _follow_context(request.user, person))
