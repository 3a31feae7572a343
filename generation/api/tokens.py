"""Creating and revoking personal access tokens (the account's "API tokens" page)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from generation.api.models import ApiToken, Scope, token_digest
from projects.models import Studio

EXPIRY_DAYS = ((7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year"))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Where it is used, e.g. “render farm”.")
    studio = forms.ModelChoiceField(queryset=Studio.objects.none(), empty_label=None)
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.READ)
    expires_in = forms.TypedChoiceField(
        choices=EXPIRY_DAYS, coerce=int, initial=30, label="Expires in"
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["studio"].queryset = Studio.objects.filter(  # type: ignore[attr-defined]
            memberships__user=user
        ).order_by("name")


def create_token(
    *, user: User, studio: Studio, name: str, scope: str, days: int
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once; only its hash is kept)."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, studio=studio, name=name, scope=scope, digest=token_digest(secret),
        hint=secret[:10], expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    return token, secret


def revoke_token(*, token: ApiToken) -> bool:
    """Revoke a token at once; False when it was revoked already."""
    return (
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        == 1
    )
