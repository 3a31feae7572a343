"""Forms of the review room: decisions (one scene or a batch) and time-pinned comments."""

from typing import Any

from django import forms

from generation.models import ReasonCode, ReviewAction
from projects.models import Scene

NEEDS_REASON = {ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES}


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (ReviewAction.APPROVE, "Approve"),
            (ReviewAction.REQUEST_CHANGES, "Request changes"),
            (ReviewAction.REJECT, "Reject"),
            (ReviewAction.REOPEN, "Reopen"),
            (ReviewAction.COMMENT, "Comment"),
            (ReviewAction.HOLD, "Hold"),
            (ReviewAction.RESUME, "Resume"),
        ]
    )
    reason_code = forms.ChoiceField(
        choices=[("", "— reason —"), *ReasonCode.choices], required=False
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        action = data.get("action")
        if action in NEEDS_REASON:
            if not data.get("reason_code"):
                self.add_error("reason_code", "Pick a reason: it is carried into the next take.")
            if not (data.get("note") or "").strip():
                self.add_error("note", "Say what should change.")
        if action == ReviewAction.REOPEN and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the decision is reopened.")
        if action == ReviewAction.COMMENT and not (data.get("note") or "").strip():
            self.add_error("note", "A comment needs text.")
        return data


class BatchReviewForm(ReviewForm):
    """One decision on several selected scenes of an episode."""

    scenes: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=Scene.objects.none(),
        error_messages={"required": "Tick the scenes in the filmstrip first."},
    )

    def __init__(self, *args: Any, episode: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            (ReviewAction.APPROVE, "Approve"),
            (ReviewAction.REQUEST_CHANGES, "Request changes"),
        ]
        self.fields["scenes"].queryset = Scene.objects.filter(  # type: ignore[attr-defined]
            episode=episode, archived_at__isnull=True, omitted=False
        )


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    at_seconds = forms.DecimalField(min_value=0, max_value=3600, decimal_places=2, initial=0)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AllowRetakeForm(forms.Form):
    """A producer's override of the project's retake cap for one scene."""

    note = forms.CharField(
        max_length=4000,
        error_messages={"required": "Say why the scene may have one more take."},
    )
