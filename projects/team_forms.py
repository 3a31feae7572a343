"""Forms of accounts, studios and members. They validate; the services act."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from projects.models import Role, Studio


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="For password resets and invitations. Never shown to others."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this address. Log in, or reset its password."
            )
        return email


class AccountForm(forms.ModelForm):
    """The user's own details; the display name is Django's `first_name` field."""

    first_name = forms.CharField(
        label="Display name",
        max_length=150,
        required=False,
        help_text="How other members see you. Your username stays the same.",
    )

    class Meta:
        model = get_user_model()
        fields = ("first_name", "email")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        others = get_user_model().objects.exclude(pk=self.instance.pk)
        if email and others.filter(email__iexact=email).exists():
            raise forms.ValidationError("Another account already uses this address.")
        return email


class StudioForm(forms.ModelForm):
    default_provider = forms.ChoiceField(choices=())

    class Meta:
        model = Studio
        fields = ("name", "description", "default_aspect_ratio", "default_provider")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, provider_choices: Sequence[str], **kwargs: Any) -> None:
        # The providers are generation's to name: the page that shows them passes them in.
        super().__init__(*args, **kwargs)
        field = self.fields["default_provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in provider_choices]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the studio a name.")
        return name


class InviteForm(forms.Form):
    who = forms.CharField(
        label="Username or email",
        max_length=254,
        help_text="An email address with no account gets the invitation by email.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.WRITER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
