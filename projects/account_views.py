"""The user's own account: sign-up (open, or by invitation only) and the account page.

Log in, log out, password change and reset are Django's own views (comicstudio/urls.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from characters.requests import AuthenticatedHttpRequest, signed_in
from projects.invitations import signup_invitation
from projects.team_forms import AccountForm, SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new account; with COMICSTUDIO_OPEN_SIGNUP off only an invitation's link opens it."""
    if signed_in(request.user):
        return redirect("generation:home")
    token = request.GET.get("invitation", "")
    invitation = signup_invitation(token) if token else None
    if not settings.COMICSTUDIO_OPEN_SIGNUP and invitation is None:
        return render(request, "registration/signup_closed.html", status=403)
    initial = {"email": invitation.email} if invitation else {}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if invitation is not None:
            return redirect("projects:invitation", token)
        messages.success(request, f"Welcome, {user.username}. Create your studio to begin.")
        return redirect("generation:new_studio")
    context = {"form": form, "invitation": invitation}
    return render(request, "registration/signup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your account was saved.")
        return redirect("projects:account")
    request.user.refresh_from_db()  # an invalid form must not show unsaved values elsewhere
    memberships = request.user.memberships.select_related("studio").order_by("studio__name")
    context = {"form": form, "memberships": memberships, "login_url": reverse("login")}
    return render(request, "registration/account.html", context)
