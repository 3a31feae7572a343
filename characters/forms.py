"""Forms of the characters app: they validate and normalise, services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from characters.models import Angle, Character, Look, Privacy
from characters.uploads import CheckedImage, check_clip, check_image

IMAGE_ACCEPT = "image/png,image/jpeg,image/webp"
# Handles are unique site-wide, so a taken one must be refused; the words say nothing
# about the character that holds it (it may be hidden from this user).
HANDLE_TAKEN = "This handle is not available. Pick another."
# Words the library's own URLs use after /characters/.
RESERVED_HANDLES = {"new", "preview", "autocomplete", "references"}


def _image_field(label: str) -> forms.FileField:
    return forms.FileField(
        label=label, required=False, widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})
    )


def checked_image(upload: UploadedFile | None) -> CheckedImage | None:
    """The upload checked and re-encoded, or None when nothing was uploaded."""
    if upload is None:
        return None
    return check_image(upload, size=upload.size or 0)


class CharacterForm(forms.ModelForm):
    class Meta:
        model = Character
        fields = [
            "name", "handle", "kind", "appearance", "style_notes", "negative_notes", "privacy",
        ]  # fmt: skip
        widgets = {
            "appearance": forms.Textarea(attrs={"rows": 5}),
            "style_notes": forms.Textarea(attrs={"rows": 2}),
            "negative_notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"handle": {"unique": HANDLE_TAKEN}}

    def clean_handle(self) -> str:
        handle = str(self.cleaned_data["handle"]).strip().lstrip("@").lower()
        if handle in RESERVED_HANDLES:
            raise forms.ValidationError(HANDLE_TAKEN)
        return handle


class NewCharacterForm(CharacterForm):
    """Creating a character, with its front, side and back references."""

    front = _image_field("Front")
    side = _image_field("Side")
    back = _image_field("Back")

    def clean_front(self) -> CheckedImage | None:
        return checked_image(self.cleaned_data.get("front"))

    def clean_side(self) -> CheckedImage | None:
        return checked_image(self.cleaned_data.get("side"))

    def clean_back(self) -> CheckedImage | None:
        return checked_image(self.cleaned_data.get("back"))

    def references(self) -> dict[str, CheckedImage]:
        """The checked references, by angle."""
        return {a: self.cleaned_data[a] for a in ("front", "side", "back") if self.cleaned_data[a]}

    def character_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CharacterForm.Meta.fields}


class ReferenceForm(forms.Form):
    angle = forms.ChoiceField(choices=Angle.choices)
    look = forms.ModelChoiceField(queryset=Look.objects.none(), required=False, empty_label="Base")
    image = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))

    def __init__(self, *args: Any, character: Character, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["look"].queryset = character.looks.all()  # type: ignore[attr-defined]

    def clean_image(self) -> CheckedImage | None:
        return checked_image(self.cleaned_data.get("image"))


class LookForm(forms.ModelForm):
    class Meta:
        model = Look
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if self.instance.character.looks.filter(name__iexact=name).exists():
            raise forms.ValidationError("This character already has a look with that name.")
        return name


class ClipForm(forms.Form):
    clip = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "video/mp4"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if clip := data.get("clip"):
            try:
                data["seconds"] = check_clip(clip, size=clip.size or 0)
            except forms.ValidationError as exc:
                self.add_error("clip", exc)
            clip.seek(0)
        return data


class PrivacyForm(forms.Form):
    privacy = forms.ChoiceField(choices=Privacy.choices)


class ApprovalForm(forms.Form):
    who = forms.ChoiceField(choices=[("user", "User"), ("studio", "Studio")])
    name = forms.CharField(max_length=150)


class SearchForm(forms.Form):
    FILTERS = [
        ("", "All I can use"),
        ("mine", "Mine"),
        ("shared", "Shared with me"),
        ("studio", "My studios"),
        ("everyone", "Everyone"),
    ]
    q = forms.CharField(required=False, max_length=80)
    show = forms.ChoiceField(choices=FILTERS, required=False)
