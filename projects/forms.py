"""Forms of the projects app: they validate and normalise input, they do not orchestrate."""

from __future__ import annotations

from typing import Any

from django import forms

from characters.models import Character
from characters.requests import Viewer

MAX_SCRIPT_CHARS = 200_000


class ScriptForm(forms.Form):
    script = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "script"}),
        max_length=MAX_SCRIPT_CHARS,
        required=False,
        strip=False,
    )
    # The fingerprint of the summary the writer confirmed; empty asks for a summary first.
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)
    restored_from = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def _duration_choices(durations: tuple[int, ...]) -> list[tuple[int, str]]:
    return [(d, f"{d} s") for d in sorted(durations)]


def provider_choices(project_provider: str, providers: tuple[str, ...]) -> list[tuple[str, str]]:
    """The project default (stored as empty) first, then every provider by name."""
    return [("", f"project default ({project_provider})"), *((p, p) for p in providers)]


class SceneForm(forms.Form):
    """Inline edit of a card; cast by @handle among the characters the editor may see."""

    heading = forms.CharField(max_length=200)
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    camera = forms.CharField(max_length=200, required=False)
    look = forms.CharField(max_length=80, required=False)
    duration_seconds = forms.TypedChoiceField(coerce=int, label="Duration")
    cast_1 = forms.CharField(max_length=31, required=False, label="Cast")
    cast_2 = forms.CharField(max_length=31, required=False, label="Cast")
    provider = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        user: Viewer,
        durations: tuple[int, ...],
        providers: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["duration_seconds"].choices = _duration_choices(durations)  # type: ignore[attr-defined]
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        handles = [
            (data.get(name) or "").strip().lstrip("@").lower() for name in ("cast_1", "cast_2")
        ]
        handles = list(dict.fromkeys(h for h in handles if h))
        found = {
            c.handle: c for c in Character.objects.visible_to(self.user).filter(handle__in=handles)
        }
        for handle in handles:
            if handle not in found:
                # Same words whether the character does not exist or is hidden.
                self.add_error(None, f"No character @{handle} that you can use.")
        data["cast"] = [found[h] for h in handles if h in found]
        return data


class ReorderForm(forms.Form):
    order = forms.CharField(max_length=20_000)

    def clean_order(self) -> list[int]:
        try:
            return [int(pk) for pk in self.cleaned_data["order"].split(",") if pk.strip()]
        except ValueError as exc:
            message = "The order is a comma-separated list of scene ids."
            raise forms.ValidationError(message) from exc


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class AddSceneForm(forms.Form):
    after = forms.IntegerField(required=False)
    heading = forms.CharField(max_length=200, required=False)


class BatchForm(forms.Form):
    ACTIONS = [
        ("omit", "Omit"),
        ("restore", "Bring back"),
        ("duration", "Set duration"),
        ("provider", "Change provider"),
    ]
    scene = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    batch_action = forms.ChoiceField(choices=ACTIONS)
    duration_seconds = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    # Empty is a real choice here: back to the project's provider.
    provider = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        scene_ids: list[int],
        durations: tuple[int, ...],
        providers: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["scene"].choices = [(pk, pk) for pk in scene_ids]  # type: ignore[attr-defined]
        self.fields["duration_seconds"].choices = _duration_choices(durations)  # type: ignore[attr-defined]
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("batch_action") == "duration" and not data.get("duration_seconds"):
            self.add_error("duration_seconds", "Pick a duration.")
        if data.get("batch_action") == "provider" and "provider" not in self.data:
            self.add_error("provider", "Pick a provider or the project default.")
        return data


class EpisodeForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=9999)
    title = forms.CharField(max_length=200)
