"""Forms of the review: a finding per criterion, questions to the submitter, recommendations and decisions."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from determinations.models import Criterion, Finding
from determinations.rules.business_days import add_business_days
from determinations.rules.calendar import END_OF_DAY, eastern
from ui.form_buttons import form_buttons, submit_button


def _text(label: str, *, required: bool = True, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class FindingForm(forms.Form):
    """The reviewer's finding on one criterion (prefix: the criterion). A draft may be partial."""

    finding = forms.ChoiceField(label="Finding", choices=Finding.choices, required=False, widget=forms.RadioSelect)
    rationale = _text("Rationale", required=False, help_text="What in the evidence supports the finding.")

    def __init__(self, *args, result, **kwargs):
        kwargs.setdefault("initial", {"finding": result.finding, "rationale": result.rationale})
        super().__init__(*args, prefix=result.criterion, **kwargs)
        title = result.get_criterion_display()
        self.fields["finding"].label = f"Finding: {title}"
        self.fields["rationale"].label = f"Rationale: {title}"
        self.helper = form_buttons(csrf=False)


def finding_forms(results, data=None) -> dict[str, FindingForm]:
    return {result.criterion: FindingForm(data, result=result) for result in results}


def default_due_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return add_business_days(today, settings.INFORMATION_REQUEST_DUE_BUSINESS_DAYS)


class DueDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean(self, value):
        day = super().clean(value)
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("Choose a date after today.")
        return day


def end_of_day(day: datetime.date) -> datetime.datetime:
    """Answers are due by the end of the due date, US Eastern time."""
    return eastern(day, END_OF_DAY)


class InformationRequestForm(forms.Form):
    question = _text(
        "Question for the submitter",
        rows=6,
        help_text="Say exactly what is missing or unclear, and which criterion it is for.",
    )
    due_date = DueDateField(label="Answer due by (end of day, Eastern time)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_date": default_due_date()})
        super().__init__(*args, **kwargs)
        days = settings.INFORMATION_REQUEST_DUE_BUSINESS_DAYS
        self.fields["due_date"].help_text = f"The default is {days} business days from today."
        self.helper = submit_button("Send the question", csrf=False)


class ExtendDueDateForm(forms.Form):
    due_date = DueDateField(label="New due date (end of day, Eastern time)")
    reason = _text("Why the due date changes", rows=2, help_text="The submitter sees this reason.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="extend", **kwargs)
        self.helper = submit_button("Extend the due date", css_class="usa-button--outline", csrf=False)


class CloseInformationRequestForm(forms.Form):
    reason = _text("Why the review goes on without an answer", rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="close", **kwargs)
        self.helper = submit_button(
            "Continue the review without an answer", css_class="usa-button--secondary", csrf=False
        )


class InternalNoteForm(forms.Form):
    text = _text("Internal note", rows=3, help_text="Only CMS staff see internal notes.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)
        self.helper = submit_button("Add the note", css_class="usa-button--outline", csrf=False)


class RecommendForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=[("approve", "Approve: every criterion is met"), ("reject", "Reject: a criterion is not met")],
        widget=forms.RadioSelect,
    )
    note = _text("Note for the deciding lead", required=False, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="recommend", **kwargs)
        self.helper = submit_button("Recommend and lock the findings", csrf=False)


class DecisionForm(forms.Form):
    """A lead's decision. Rejecting names each criterion not met, with the reason the letter gives."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("approve", "Approve as an Other Payer Advanced APM"),
            ("reject", "Reject"),
            ("send_back", "Send back to the reviewer"),
        ],
        widget=forms.RadioSelect,
    )
    reason = _text(
        "Reason", required=False, rows=3, help_text="Required to send back; it is kept in the audit history."
    )

    def __init__(self, *args, results, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.requested_years = years
        if len(years) > 1:
            self.fields["years"] = forms.TypedMultipleChoiceField(
                label="Performance years to approve",
                choices=[(year, str(year)) for year in years],
                coerce=int,
                initial=years,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Untick a year the arrangement does not meet the criteria in. Approved years must be "
                "consecutive.",
            )
            self.fields["years_reason"] = _text(
                "Why fewer years than asked for", required=False, rows=3, help_text="Printed in the history."
            )
        for result in results:
            title = result.get_criterion_display()
            self.fields[f"unmet_{result.criterion}"] = forms.BooleanField(
                label=f"{title}: not met", required=False, initial=bool(result.finding) and result.finding != "meets"
            )
            self.fields[f"reason_{result.criterion}"] = _text(
                f"Why {title} is not met (printed in the letter)",
                required=False,
                rows=3,
            )
            if result.finding != "meets":
                self.fields[f"reason_{result.criterion}"].initial = result.rationale
        self.helper = submit_button("Record the decision", csrf=False)

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "send_back" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why it goes back to the reviewer.")
        if decision == "approve" and "years" in self.fields:
            years = sorted(data.get("years") or [])
            if not years:
                self.add_error("years", "Choose at least one year to approve.")
            elif years != list(range(years[0], years[-1] + 1)):
                self.add_error(
                    "years", "Approve consecutive years: a determination runs from its first year to its last."
                )
            elif len(years) < len(self.requested_years) and not data.get("years_reason", "").strip():
                self.add_error("years_reason", "Say why fewer years are approved than were asked for.")
        if decision == "reject":
            unmet = self.unmet()
            if not unmet:
                self.add_error(None, "Tick each criterion that is not met.")
            for item in unmet:
                if not item["reason"]:
                    self.add_error(f"reason_{item['criterion']}", "Give the reason this criterion is not met.")
        return data

    def unmet(self) -> list[dict]:
        return [
            {"criterion": key, "reason": self.cleaned_data.get(f"reason_{key}", "").strip()}
            for key in Criterion.values
            if self.cleaned_data.get(f"unmet_{key}")
        ]


class ReopenForm(forms.Form):
    reason = _text("Why the decision is reopened", rows=4, help_text="Kept in the audit history.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Reopen the decision", css_class="usa-button--secondary", csrf=False)


class AnswerForm(forms.Form):
    """The answer names the question it was written for, so a page left open while CMS asked again
    cannot answer the newer question unseen."""

    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    response = _text("Your answer to CMS", rows=8, help_text="Change your answers and add documents first if needed.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Send the answer to CMS", csrf=False)


class PublicListForm(forms.Form):
    year = forms.TypedChoiceField(label="Performance year", coerce=int, required=False)
    payer_type = forms.ChoiceField(label="Payer type", required=False)

    def __init__(self, *args, years, payer_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["payer_type"].choices = [("", "All payer types"), *payer_types]
        self.helper = submit_button("Show", csrf=False)
        self.helper.form_method = "get"
