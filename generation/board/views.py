"""The storyboard page: an episode's scene cards with their takes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.board.render import board_context, render_more
from projects.access import get_episode_for_user


@login_required
def storyboard(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    return render(request, "generation/storyboard.html", board_context(episode, member))


@login_required
@require_safe
def scene_cards(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The next chunk of the storyboard's cards, asked for as the user scrolls."""
    episode, member = get_episode_for_user(request.user, episode_id)
    start = request.GET.get("start", "")
    if not start.isdigit():
        return HttpResponse("Which scenes? Give start as a number.", status=400)
    return HttpResponse(render_more(episode, member, start=int(start)))
