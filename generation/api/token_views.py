"""The account's API tokens page: create (the secret shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from characters.requests import AuthenticatedHttpRequest
from generation.api.models import ApiToken
from generation.api.tokens import TokenForm, create_token, revoke_token


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    secret = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _, secret = create_token(
            user=request.user, studio=data["studio"], name=data["name"], scope=data["scope"],
            days=data["expires_in"],
        )  # fmt: skip
        form = TokenForm(user=request.user)
    mine = ApiToken.objects.filter(user=request.user).select_related("studio")
    context = {"form": form, "tokens": mine, "secret": secret}
    status = 400 if form.errors else 200
    return render(request, "generation/api_tokens.html", context, status=status)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if revoke_token(token=token):
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("tokens:tokens")
