"""Forms of the design pages: they validate and normalise, services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from generation.design.models import DesignAngle
from generation.design.prompts import MAX_NOTE_CHARS
from generation.design.services import COUNTS
from generation.providers.images import IMAGE_PROVIDER_CHOICES
from projects.models import Project


class CandidatesForm(forms.Form):
    """Ask for candidates of one angle (with an optional note for a regeneration)."""

    angle = forms.ChoiceField(choices=DesignAngle.choices)
    count = forms.TypedChoiceField(choices=[(n, str(n)) for n in COUNTS], coerce=int, initial=2)
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_CHARS,
        help_text="What to change, e.g. “the scarf is red, not orange”.",
    )
    look = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CandidateForm(forms.Form):
    candidate = forms.IntegerField(min_value=1, max_value=2**62)


class ClipForm(forms.Form):
    clip = forms.IntegerField(min_value=1, max_value=2**62)


class DesignSettingsForm(forms.Form):
    """The studio's image provider, design budget and continuity judge; a blank key keeps it."""

    image_provider = forms.ChoiceField(
        choices=[("", "— none —"), *IMAGE_PROVIDER_CHOICES], required=False
    )
    api_key = forms.CharField(
        label="API key",
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; shown back only as its last four characters.",
    )
    base_url = forms.URLField(
        label="Base URL",
        required=False,
        assume_scheme="https",
        help_text="Empty for the provider's own API.",
    )
    model = forms.CharField(
        required=False, max_length=100, help_text="Empty: the provider's default."
    )
    budget = forms.DecimalField(
        required=False, min_value=0, max_digits=10, decimal_places=2,
        label="Character design budget (USD; empty: no limit)",
    )  # fmt: skip
    judge_enabled = forms.BooleanField(
        required=False,
        label="Judge continuity with the script assistant's chat model (vision-capable)",
    )
    judge_model = forms.CharField(
        required=False, max_length=100, help_text="Empty: the script assistant's model."
    )


class ContinuitySettingsForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none())
    threshold = forms.IntegerField(min_value=0, max_value=100, initial=60)
    auto_retake = forms.BooleanField(
        required=False, label="Retake a flagged take once, with the judge's notes as corrections"
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
