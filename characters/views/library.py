"""The library, search, `@handle` autocomplete and a character's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from characters.access import get_character_for_user
from characters.forms import (
    ApprovalForm,
    ClipForm,
    LookForm,
    PrivacyForm,
    ReferenceForm,
    SearchForm,
)
from characters.models import Character, CharacterQuerySet, Look, Privacy
from characters.panels import actions_for, panels_for
from characters.requests import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

AUTOCOMPLETE_LIMIT = 8


def _shown(characters: CharacterQuerySet, user: User, show: str) -> CharacterQuerySet:
    # Each filter narrows what `visible_to` allowed; none can widen it.
    if show == "mine":
        return characters.filter(owner=user)
    if show == "shared":
        return characters.exclude(owner=user).filter(
            Q(approved_users=user) | Q(privacy=Privacy.MUTUALS)
        )
    if show == "studio":
        return characters.shared_with_studios_of(user)
    if show == "everyone":
        return characters.filter(privacy=Privacy.EVERYONE)
    return characters


@login_required
@require_safe
def library(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    found = Character.objects.visible_to(request.user).matching(data.get("q") or "")
    found = _shown(found, request.user, data.get("show") or "")
    characters = found.distinct().select_related("owner").prefetch_related("references")
    context = {"form": form, "characters": characters}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "characters/library.html#results", context)
    return render(request, "characters/library.html", context)


@login_required
@require_safe
def autocomplete(request: AuthenticatedHttpRequest) -> HttpResponse:
    prefix = request.GET.get("q", "").strip().lstrip("@").lower()[:30]
    found = Character.objects.none()
    if prefix:
        visible = Character.objects.visible_to(request.user)
        found = visible.filter(handle__startswith=prefix)[:AUTOCOMPLETE_LIMIT]
    return render(request, "characters/_suggestions.html", {"characters": found, "q": prefix})


def detail_context(request: AuthenticatedHttpRequest, character: Character) -> dict[str, object]:
    """What the character page shows this user; forms only for the owner."""
    # Where it is cast: scenes of studios the viewer belongs to (a lookup, not an import).
    scenes = (
        character.scenes.filter(  # type: ignore[attr-defined]
            episode__project__studio__memberships__user=request.user, archived_at__isnull=True
        )
        .select_related("episode__project")
        .distinct()
    )
    editable = character.is_editable_by(request.user)
    context: dict[str, object] = {
        "character": character,
        "editable": editable,
        "scenes": scenes,
        "looks": character.looks.prefetch_related("references"),
        "references": character.references.filter(look=None),
        "panels": panels_for(request, character),
        "actions": actions_for(request, character),
    }
    if editable:
        context |= {
            "reference_form": ReferenceForm(character=character),
            "look_form": LookForm(instance=Look(character=character)),
            "clip_form": ClipForm(),
            "privacy_form": PrivacyForm(initial={"privacy": character.privacy}),
            "approval_form": ApprovalForm(),
        }
    return context


@login_required
@require_safe
def detail(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_user(request.user, handle)
    return render(request, "characters/detail.html", detail_context(request, character))
