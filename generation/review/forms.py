from django import forms

from generation.models import ReasonCode, ReviewAction

NEEDS_REASON = {ReviewAction.REJECT, ReviewAction.REQUEST_CHANGES}


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (ReviewAction.APPROVE, "Approve"),
            (ReviewAction.REQUEST_CHANGES, "Request changes"),
            (ReviewAction.REJECT, "Reject"),
            (ReviewAction.REOPEN, "Reopen"),
            (ReviewAction.COMMENT, "Comment"),
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
        if action == ReviewAction.COMMENT and not (data.get("note") or "").strip():
            self.add_error("note", "A comment needs text.")
        return data
