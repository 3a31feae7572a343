"""Sound forms: they validate and normalise, never orchestrate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from generation.sound.models import LoudnessTarget, TakeAudio
from generation.sound.providers import SPEECH_PROVIDERS


class VoiceForm(forms.Form):
    """A character's voice for one speech provider."""

    provider = forms.ChoiceField(choices=[])
    voice = forms.CharField(max_length=60)
    speed = forms.DecimalField(min_value=Decimal("0.5"), max_value=Decimal("2.0"),
                               decimal_places=2, initial=Decimal("1.00"))  # fmt: skip
    style_notes = forms.CharField(
        max_length=300, required=False,
        help_text="How the line is said (e.g. “warm, a little tired”), for providers that "
        "take instructions.",
    )  # fmt: skip

    def __init__(self, *args: Any, providers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p, SPEECH_PROVIDERS[p].label) for p in providers]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider = SPEECH_PROVIDERS.get(data.get("provider", ""))
        if provider is not None and data.get("voice") not in provider.voices:
            self.add_error("voice", f"{provider.label} has no voice named {data.get('voice')!r}.")
        return data


class ProjectSoundForm(forms.Form):
    speech_provider = forms.ChoiceField(choices=[], required=False)
    loudness_target = forms.TypedChoiceField(choices=LoudnessTarget.choices, coerce=int)

    def __init__(self, *args: Any, providers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "No voices (subtitles only)")]
        choices += [(p, SPEECH_PROVIDERS[p].label) for p in providers]
        self.fields["speech_provider"].choices = choices  # type: ignore[attr-defined]


class SceneSoundForm(forms.Form):
    take_audio = forms.ChoiceField(choices=TakeAudio.choices, widget=forms.RadioSelect)


class AudioUploadForm(forms.Form):
    file = forms.FileField()
