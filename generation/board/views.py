"""The storyboard page: an episode's scene cards with their takes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from characters.requests import AuthenticatedHttpRequest
from generation.board.render import board_context
from projects.access import get_episode_for_user


@login_required
def storyboard(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode, member = get_episode_for_user(request.user, episode_id)
    return render(request, "generation/storyboard.html", board_context(episode, member))
