"""The yearly confirmation of a multi-year determination, on the request form's engine: one section
(what changed, or nothing) saved as the holder goes, then a certification step that sends it."""

from django import forms

from ui.form_buttons import submit_button

from .base import SectionForm, is_blank, yes_no_field
from .requests import ATTESTATION_TEXT

CHANGE_AREAS = [
    ("cehrt", "Use of certified EHR technology"),
    ("quality", "Quality measures"),
    ("financial_risk", "Financial risk"),
    ("participants", "Participants"),
    ("term", "Term of the agreement"),
]
CONFIRMATION_TEXT = ATTESTATION_TEXT.replace("this request", "this confirmation")


class ConfirmationSection(SectionForm):
    key = "yearly_confirmation"
    title = "Changes since the determination"
    intro = (
        "A multi-year determination lasts while the arrangement keeps meeting the criteria. Each year, "
        "report the changes relevant to them, or confirm that nothing changed (CMS re-evaluates changed "
        "arrangements)."
    )
    changed = yes_no_field(
        "Has the arrangement changed since CMS's determination in a way relevant to the criteria?",
        "For example a new risk corridor, a different quality measure, or participants added or removed.",
    )
    areas = forms.MultipleChoiceField(label="What changed", choices=CHANGE_AREAS, widget=forms.CheckboxSelectMultiple)
    changes = forms.CharField(
        label="Describe each change",
        help_text="With the contract section or amendment where it is written.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    required_to_submit = ("changed",)

    def __init__(self, *args, confirmation, **kwargs):
        kwargs.setdefault("initial", dict(confirmation.answers))
        super().__init__(*args, submission=confirmation.determination.submission, **kwargs)
        self.confirmation = confirmation

    def missing(self, answers: dict) -> list[tuple[str, str]]:
        missing = super().missing(answers)
        if answers.get("changed") is True:
            if is_blank(answers.get("areas")):
                missing.append(("areas", "What changed"))
            if is_blank(answers.get("changes")):
                missing.append(("changes", "A description of each change"))
        return missing


def confirmation_missing(confirmation) -> list[str]:
    """The questions still unanswered that sending the confirmation needs."""
    section = ConfirmationSection(confirmation=confirmation)
    return [question for _, question in section.missing(confirmation.answers)]


class ConfirmationCertifyForm(forms.Form):
    attester_name = forms.CharField(label="Full name of the person certifying", max_length=150)
    attester_title = forms.CharField(label="Title", max_length=150)
    attests = forms.BooleanField(label="I agree with the statement above")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attests"].error_messages["required"] = "Check the box to certify, or the confirmation is not sent."
        self.helper = submit_button("Send to CMS")


class ConfirmationAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: changes re-evaluated, the determination stands.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Acknowledge")
