"""The request form engine: a section is a form whose questions appear by process and payer type.

Every section saves whatever has been answered, so a person can leave at any step and come back;
answers that are missing are listed at the review step and block submitting, while answers that
are malformed (a negative amount, a share over 100%) are refused on the step itself.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from crispy_forms.layout import Submit
from django import forms

from determinations.models import Submission
from ui.form_buttons import form_buttons

YES_NO = [(True, "Yes"), (False, "No")]


def yes_no_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True", "true", "yes"),
        empty_value=None,
        widget=forms.RadioSelect,
    )


def percent_field(label: str, help_text: str = "") -> forms.DecimalField:
    field = forms.DecimalField(
        label=f"{label} (%)",
        help_text=help_text,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=7,
        decimal_places=3,
        error_messages={
            "min_value": "Enter a percentage of 0 or more.",
            "max_value": "Enter a percentage of 100 or less.",
            "invalid": "Enter a number, such as 3 or 2.5, without the % sign.",
        },
    )
    field.unit = "percent"
    return field


def amount_field(label: str, help_text: str = "") -> forms.DecimalField:
    field = forms.DecimalField(
        label=f"{label} ($)",
        help_text=help_text,
        min_value=Decimal("0"),
        max_digits=16,
        decimal_places=2,
        error_messages={
            "min_value": "Enter an amount of $0 or more.",
            "invalid": "Enter an amount in dollars, such as 1500000 or 1500000.00, without commas.",
        },
    )
    field.unit = "dollars"
    return field


def json_safe(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def is_blank(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def answer_label(field) -> str:
    """A question as read back beside its answer: the unit goes with the answer instead."""
    return str(field.label).removesuffix(" ($)").removesuffix(" (%)")


def answer_display(field, value) -> str:
    """A stored answer as a person reads it: choices by their label, yes or no, $1,500,000, 40%."""
    if is_blank(value):
        return ""
    if isinstance(value, list):
        return ", ".join(answer_display(field, v) for v in value)
    labels = {str(k): str(v) for k, v in getattr(field, "choices", None) or []}
    if str(value) in labels:
        return labels[str(value)]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    unit = getattr(field, "unit", "")
    if unit or isinstance(field, forms.IntegerField):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        places = 2 if unit == "dollars" and number != number.to_integral_value() else 0
        if unit == "percent":
            return f"{number.normalize():f}%"
        text = f"{number:,.{places}f}"
        return f"${text}" if unit == "dollars" else text
    return str(value)


class SectionForm(forms.Form):
    """One step of the request form; subclasses declare ``key``, ``title`` and their questions."""

    # Templates receive section classes; without this they would call (instantiate) them.
    do_not_call_in_templates = True
    key: str = ""
    title: str = ""
    intro: str = ""
    required_to_submit: tuple[str, ...] = ()
    # A question listed here appears only when its predicate holds for the submission.
    shown_when: dict[str, Callable[[Submission], bool]] = {}
    # Questions whose answer is a column of the Submission row, not part of the answers document.
    model_fields: tuple[str, ...] = ()

    def __init__(self, *args, submission: Submission, **kwargs):
        initial = {**submission.section(self.key), **{name: getattr(submission, name) for name in self.model_fields}}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.submission = submission
        for name, predicate in self.shown_when.items():
            if not predicate(submission):
                del self.fields[name]
        for name, field in self.fields.items():
            field.required = False
            if name in self.required_to_submit:
                field.label = f"{field.label} (required to submit)"
        self.helper = form_buttons(
            Submit("save", "Save and continue"),
            Submit("save_exit", "Save and return to dashboard", css_class="usa-button--outline"),
        )

    def answers(self) -> dict:
        """The cleaned answers, ready to store as JSON."""
        return {
            name: json_safe(value)
            for name, value in self.cleaned_data.items()
            if not is_blank(value) and name not in self.model_fields
        }

    def model_answers(self) -> dict:
        """The answers stored on the Submission row (``model_fields``), where given."""
        return {
            name: self.cleaned_data[name] for name in self.model_fields if not is_blank(self.cleaned_data.get(name))
        }

    @classmethod
    def applies_to(cls, submission: Submission) -> bool:
        return True

    @classmethod
    def for_checking(cls, submission: Submission) -> "SectionForm":
        """An instance for ``missing`` alone, without building the form: the questions shown for
        ``submission`` (``shown_when``), as declared. Building a form deep-copies every field and
        widget, which was most of the cost of writing a reminder with what a draft still lacks.
        Not for rendering or validating; ``missing`` must read only ``fields``' names and declared
        labels, ``base_fields`` and ``submission`` (tests hold it to the built form's answers)."""
        form = cls.__new__(cls)
        form.submission = submission
        form.fields = {
            name: field
            for name, field in cls.base_fields.items()
            if name not in cls.shown_when or cls.shown_when[name](submission)
        }
        return form

    def missing(self, answers: dict) -> list[tuple[str, str]]:
        """(field, question) pairs still unanswered that submitting needs."""
        return [
            (name, str(self.base_fields[name].label))
            for name in self.required_to_submit
            if name in self.fields and is_blank(answers.get(name))
        ]
