from typing import Any

from django import forms
from django.contrib.auth.models import User

from characters.models import Character
from generation.credentials import REMOTE_PROVIDERS, REMOTE_VIDEO_PROVIDERS, ProviderCredential
from generation.providers import PROVIDERS
from projects.models import Project, Studio


class ProviderCredentialForm(forms.Form):
    """A studio's credential for one provider; blank secrets keep the stored ones."""

    provider = forms.ChoiceField(choices=REMOTE_PROVIDERS)
    api_key = forms.CharField(
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; shown back only as its last four characters.",
    )
    base_url = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text="Empty for the provider's own API; an aggregator's URL otherwise.",
    )
    default_model = forms.CharField(required=False, max_length=100)
    concurrency_limit = forms.IntegerField(min_value=1, max_value=100, initial=4)
    stall_seconds = forms.IntegerField(
        min_value=30, max_value=24 * 3600, initial=900, label="Stall after (seconds)"
    )
    webhook_secret = forms.CharField(
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Optional (whsec_…): with it, video.completed / video.failed end polling.",
    )


PROVIDER_CHOICES = [(p.name, p.label) for p in PROVIDERS.values()]


class ProjectSettingsForm(forms.Form):
    """A project's name, look, providers, money and team: creation and the settings page."""

    name = forms.CharField(max_length=120)
    logline = forms.CharField(max_length=300, required=False, help_text="One sentence: the show.")
    aspect_ratio = forms.ChoiceField(choices=Project.AspectRatio.choices)
    style_lock = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Prefixed to every prompt of the project.",
    )
    provider = forms.ChoiceField(choices=PROVIDER_CHOICES)
    fallback_provider = forms.ChoiceField(
        required=False,
        choices=[("", "— none —"), *PROVIDER_CHOICES],
        help_text="May equal the provider: scenes moved to another provider fall back to it.",
    )
    auto_fallback = forms.BooleanField(
        required=False, label="Re-queue takes that fail for availability automatically"
    )
    budget = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        label="Budget (USD; empty: no limit)",
        help_text="Every take counts, rejected ones included.",
    )
    retake_cap = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        label="Takes per scene at most",
        help_text="Empty: no cap. Rejected and failed takes count.",
    )
    team = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the whole studio. Ticked: only them (and the studio's owners).",
    )

    def __init__(self, *args: Any, studio: Studio, project: Project | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.studio, self.project = studio, project
        members = User.objects.filter(memberships__studio=studio).order_by("username")
        self.fields["team"].queryset = members  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Project.objects.filter(studio=self.studio, name__iexact=name)
        if self.project is not None:
            others = others.exclude(pk=self.project.pk)
        if others.exists():
            raise forms.ValidationError(f"{self.studio.name} already has a project named {name}.")
        return name


class RegisterCharacterForm(forms.Form):
    """Register one of the user's own characters with one of the studio's providers."""

    character = forms.ModelChoiceField(
        queryset=Character.objects.none(),
        help_text="Your characters that have a reference clip; it is sent as stored.",
    )
    credential = forms.ModelChoiceField(
        queryset=ProviderCredential.objects.none(), label="Provider"
    )

    def __init__(self, *args: Any, user: Any, studio: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the owner's likeness, and only characters whose clip is on their page.
        self.fields["character"].queryset = Character.objects.filter(  # type: ignore[attr-defined]
            owner=user
        ).exclude(reference_clip="")
        self.fields["credential"].queryset = ProviderCredential.objects.filter(  # type: ignore[attr-defined]
            studio=studio, provider="openai"
        )


class ListPriceForm(forms.Form):
    # Video prices per second; speech prices are declared by the speech provider's module.
    provider = forms.ChoiceField(choices=REMOTE_VIDEO_PROVIDERS)
    model = forms.CharField(max_length=100)
    resolution = forms.RegexField(
        regex=r"^[0-9]{3,4}p$", max_length=16, help_text='The short side, e.g. "720p".'
    )
    with_audio = forms.BooleanField(required=False, initial=True)
    price_per_second = forms.DecimalField(
        min_value=0, max_digits=8, decimal_places=4, label="USD per second"
    )
    source = forms.CharField(
        max_length=300, help_text="Where the price comes from (a contract, a price list)."
    )


class ScriptAssistantForm(forms.Form):
    """The studio's chat model for drafting scenes; a blank key keeps the stored one."""

    api_key = forms.CharField(
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; shown back only as its last four characters.",
    )
    base_url = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text="Any OpenAI-compatible chat API; empty for OpenAI's own.",
    )
    model = forms.CharField(max_length=100, help_text="A chat model that answers JSON.")


class DraftForm(forms.Form):
    prose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        label="Prose (a story outline or a chapter)",
        max_length=20_000,
    )
