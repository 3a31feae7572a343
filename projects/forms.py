from django import forms

MAX_SCRIPT_CHARS = 200_000


class ScriptForm(forms.Form):
    script = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "script"}),
        max_length=MAX_SCRIPT_CHARS,
        required=False,
        strip=False,
    )
