"""The notification bell, the list of notifications and per-kind mute settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from characters.requests import AuthenticatedHttpRequest
from generation.review.models import NotificationKind, NotificationMute
from generation.review.notifications import mark_read, unread_count, visible_notifications


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """Template context: the bell's unread count for a signed-in user."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(request.user)}  # type: ignore[arg-type]


class MuteForm(forms.Form):
    muted = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Do not tell me (in the app or by email) when",
    )


@require_safe
def bell(request: HttpRequest) -> HttpResponse:
    """The top bar's bell with the current unread count (htmx polls it every 30 s).

    Signed out (a session that expired meanwhile): 204, so htmx leaves the bell as it is
    rather than swapping in the login page.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "generation/review/bell.html", unread_notifications(request))


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications, newest first, about scenes they may still see."""
    notices = list(
        visible_notifications(request.user).select_related("scene__episode", "actor")[:100]
    )
    muted = list(request.user.notification_mutes.values_list("kind", flat=True))  # type: ignore[attr-defined]
    context = {"notices": notices, "form": MuteForm(initial={"muted": muted})}
    return render(request, "generation/review/notifications.html", context)


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("generation:notifications")


@login_required
@require_http_methods(["POST"])
def mute_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save which kinds of notification the user mutes."""
    form = MuteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Those settings could not be saved: pick from the list.")
        return redirect("generation:notifications")
    with transaction.atomic():
        NotificationMute.objects.filter(user=request.user).delete()
        NotificationMute.objects.bulk_create(
            NotificationMute(user=request.user, kind=kind) for kind in form.cleaned_data["muted"]
        )
    messages.success(request, "Notification settings saved.")
    return redirect("generation:notifications")
