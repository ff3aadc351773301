"""Forms of the review queue: assign the ticked requests to a reviewer, declare a conflict of interest."""

from django import forms

from ui.form_buttons import submit_button


class IdListField(forms.Field):
    """The ids of the ticked rows (checkboxes named ``submissions`` anywhere on the page)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Tick at least one request to assign.",
        "invalid": "The ticked requests were not understood. Reload the queue and try again.",
    }

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class AssignForm(forms.Form):
    submissions = IdListField()
    assignee = forms.TypedChoiceField(
        label="Assign the ticked requests to",
        coerce=int,
        error_messages={"required": "Choose the reviewer to assign them to."},
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewers = {reviewer.pk: reviewer for reviewer in reviewers}
        self.fields["assignee"].choices = [("", "Choose a reviewer")] + [
            (reviewer.pk, reviewer.full_name or reviewer.email) for reviewer in reviewers
        ]

    def clean_assignee(self):
        return self.reviewers[self.cleaned_data["assignee"]]


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="What is the conflict of interest?",
        help_text="For example: a financial interest in the payer, or a family member who works there. "
        "CMS staff see this; the submitter does not.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Describe the conflict of interest."},
    )
    confirm = forms.BooleanField(
        label="Recuse me from every request of this organization.",
        error_messages={"required": "Tick the box to confirm you are recusing yourself."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Declare the conflict")
