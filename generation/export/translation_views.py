"""Translations of an episode's dialogue: the languages, and one language's lines to fill in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.export.translations import (
    LanguageError,
    episode_languages,
    language_name,
    language_tag,
    lines,
    may_translate,
    save_translations,
)
from projects.access import get_episode_for_user


@login_required
@require_safe
def translations(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """The languages the episode is translated into; a writer may start another."""
    episode, member = get_episode_for_user(request.user, episode_id)
    if "language" in request.GET:
        try:
            tag = language_tag(request.GET["language"])
        except LanguageError as refusal:
            messages.error(request, str(refusal))
        else:
            return redirect("generation:translation", episode.pk, tag)
    total = len(lines(episode, "und"))
    languages = []
    for tag in episode_languages(episode):
        done = sum(1 for row in lines(episode, tag) if row.translation and not row.outdated)
        languages.append({"tag": tag, "name": language_name(tag), "done": done})
    context = {
        "episode": episode,
        "may_translate": may_translate(member),
        "languages": languages,
        "total": total,
    }
    return render(request, "generation/export/translations.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def translation(request: AuthenticatedHttpRequest, episode_id: int, language: str) -> HttpResponse:
    """Every dialogue line of the episode with its translation into one language."""
    episode, member = get_episode_for_user(request.user, episode_id)
    try:
        tag = language_tag(language)
    except LanguageError as refusal:
        messages.error(request, str(refusal))
        return redirect("generation:translations", episode.pk)
    if tag != language:
        return redirect("generation:translation", episode.pk, tag)
    status = 200
    if request.method == "POST":
        if not may_translate(member):
            messages.error(request, "Only writers, producers and owners enter translations.")
            status = 403
        else:
            entries = {k: request.POST.get(k, "") for k in request.POST if k.startswith("line-")}
            changed = save_translations(
                episode=episode, language=tag, entries=entries, user=request.user
            )
            messages.success(request, f"Saved {changed} line{'s' if changed != 1 else ''}.")
            return redirect(reverse("generation:translation", args=[episode.pk, tag]))
    context = {
        "episode": episode,
        "language": tag,
        "name": language_name(tag),
        "rows": lines(episode, tag),
        "may_translate": may_translate(member),
    }
    return render(request, "generation/export/translation.html", context, status=status)
