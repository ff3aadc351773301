"""The All-Payer QP Submission form (42 CFR 414.1440(e)-(f), domain.md 4.6), on the request form's engine.

The submitter step is a ``SectionForm`` like the request's steps (saved as answered, questions shown
by ``shown_when``, what is missing listed at review); the arrangements are chosen from the year's
approved determinations; the figures step asks, per snapshot period, the submission's total payments
and patients from all payers but Medicare once (Medicaid's and the excluded amounts apart), and per
arrangement the payments and patients through it.
"""

from crispy_forms.layout import Submit
from django import forms

from determinations.models.qp import SNAPSHOTS, LevelChoice
from determinations.rules.identifiers import npi_problem, tin_problem
from qppportal.dates import date_text
from ui.form_buttons import form_buttons, submit_button

from .base import SectionForm, amount_field, is_blank, yes_no_field

CERTIFICATION_TEXT = (
    "I certify that I am authorized to bind the APM Entity (or the TIN or eligible clinician) named in "
    "this submission, and that the payment and patient information in it is true, accurate and "
    "complete to the best of my knowledge. I understand that CMS may audit it, that supporting "
    "documentation must be kept for at least 10 years, and that APM Incentive Payments may be recouped "
    "if an audit finds it unsupported (42 CFR 414.1440(f)(2) and 414.1460)."
)
TIN_RULE = (
    "TIN level is allowed only when every clinician who reassigned billing rights to the TIN takes part in "
    "this one APM Entity (42 CFR 414.1440(d)(2)). Ask for APM Entity or eligible clinician level instead."
)


def window_label(window) -> str:
    demonstration = "Demonstration window, " if window.is_demonstration else ""
    deadline = date_text(window.closes_at, time=True)
    return f"{demonstration}{window.performance_year.year} (deadline {deadline} Eastern time)"


def is_tin_level(submission) -> bool:
    return submission.level == LevelChoice.TIN


def is_clinician_level(submission) -> bool:
    return submission.level == LevelChoice.CLINICIAN


class SubmitterSection(SectionForm):
    key = "submitter"
    title = "Submitter and level"
    intro = (
        "Who submits, and the level at which you ask CMS to make the All-Payer determination: for the APM "
        "Entity, for one TIN, or for one eligible clinician. Save to see the questions of the level you chose."
    )
    submitter_name = forms.CharField(label="Your full name", max_length=150)
    submitter_title = forms.CharField(label="Your title", max_length=150)
    submitter_email = forms.EmailField(label="Your e-mail address")
    submitter_phone = forms.CharField(label="Your phone number", max_length=30)
    level = forms.ChoiceField(
        label="Level of determination requested",
        choices=[("", "- Select -"), *LevelChoice.choices],
        help_text="Clinicians on an Affiliated Practitioner list are always determined individually.",
    )
    apm_entity_id = forms.CharField(
        label="APM Entity ID", max_length=50, help_text="The identifier of the APM Entity whose figures these are."
    )
    tin = forms.CharField(label="TIN", max_length=9, help_text="Nine digits, no dash.")
    tin_single_entity = yes_no_field(
        "Do all clinicians who reassigned their billing rights to this TIN take part in this one APM Entity?",
        "Required for TIN level (42 CFR 414.1440(d)(2)).",
    )
    npi = forms.CharField(label="The clinician's NPI", max_length=10, help_text="Ten digits.")
    model_fields = ("level", "apm_entity_id", "tin", "npi")
    required_to_submit = ("submitter_name", "submitter_title", "submitter_email", "submitter_phone", "level")
    shown_when = {
        "apm_entity_id": lambda submission: not is_clinician_level(submission),
        "tin": is_tin_level,
        "tin_single_entity": is_tin_level,
        "npi": is_clinician_level,
    }

    def clean_tin(self):
        tin = self.cleaned_data.get("tin", "").strip()
        if tin and (problem := tin_problem(tin)):
            raise forms.ValidationError(f"{problem}.")
        return tin

    def clean_npi(self):
        npi = self.cleaned_data.get("npi", "").strip()
        if npi and (problem := npi_problem(npi)):
            raise forms.ValidationError(f"{problem}.")
        return npi

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level") == LevelChoice.TIN and cleaned.get("tin_single_entity") is False:
            self.add_error("tin_single_entity", TIN_RULE)
        return cleaned

    def missing(self, answers):
        # The level and whom it names are columns of the row, not part of the answers document.
        missing = super().missing({**answers, **{name: getattr(self.submission, name) for name in self.model_fields}})
        needed = {
            LevelChoice.ENTITY: ("apm_entity_id",),
            LevelChoice.TIN: ("apm_entity_id", "tin"),
            LevelChoice.CLINICIAN: ("npi",),
        }.get(self.submission.level, ())
        missing += [(name, self.fields[name].label) for name in needed if not getattr(self.submission, name)]
        if "tin_single_entity" in self.fields and answers.get("tin_single_entity") is not True:
            missing.append(("tin_single_entity", "Confirmation that the TIN's clinicians are all in this APM Entity"))
        return missing


SECTIONS = (SubmitterSection,)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


class ArrangementChoiceForm(forms.Form):
    """An approved determination picked from the search results (checked again by the service)."""

    determination = forms.IntegerField(min_value=1, max_value=2**63 - 1)


# Payments and patients --------------------------------------------------------------------------

# Per snapshot period, once for the submission: the denominators (414.1440(b)-(c)), Medicaid's apart.
TOTALS = {
    "other_payments": "Payments in total from all other payers (not Medicare or Medicaid)",
    "other_patients": "Patients in total of all other payers (not Medicare or Medicaid), each counted once",
    "medicaid_payments": "Medicaid payments in total",
    "medicaid_patients": "Medicaid patients in total, each counted once",
    "excluded_payments": "Excluded payments (DoD/TRICARE and VA), kept apart",
    "excluded_patients": "Excluded patients (DoD/TRICARE and VA), kept apart",
}
# Per arrangement and snapshot period: what went through it (the numerators).
FIGURES = {
    "payment_numerator": "Payments through the arrangement",
    "patient_numerator": "Patients furnished services through the arrangement",
}
# More than the population of the world: a larger count is a typing mistake (and beyond the column).
MAX_PATIENTS = 9_999_999_999
# Which total bounds the arrangements' figures: the other payers' or Medicaid's, by the arrangement's payer.
BOUNDS = {
    ("payment_numerator", False): ("other_payments", "the other payers' total payments", "payments"),
    ("patient_numerator", False): ("other_patients", "the other payers' total patients", "patients"),
    ("payment_numerator", True): ("medicaid_payments", "the Medicaid total payments", "payments"),
    ("patient_numerator", True): ("medicaid_patients", "the Medicaid total patients", "patients"),
}


def _figure_field(name: str, label: str) -> forms.Field:
    if "payment" in name:
        field = amount_field(label)
    else:
        field = forms.IntegerField(
            label=label,
            min_value=0,
            max_value=MAX_PATIENTS,
            error_messages={
                "min_value": "Enter a number of patients of 0 or more.",
                "max_value": f"Enter a number of patients of at most {MAX_PATIENTS:,}.",
                "invalid": "Enter a whole number.",
            },
        )
    field.required = False
    return field


def _shown(name: str, value) -> str:
    """A figure as a person reads it: $1,200,000.00 or 1,500."""
    return f"${value:,.2f}" if "payment" in name else f"{value:,}"


def figure_name(arrangement_id: int, snapshot: int, name: str) -> str:
    return f"a{arrangement_id}_s{snapshot}_{name}"


def total_name(snapshot: int, name: str) -> str:
    return f"s{snapshot}_{name}"


class AllPayerFiguresForm(forms.Form):
    """Per snapshot period: the submission's totals from all payers but Medicare, once, and per arrangement
    the payments and patients through it.

    A period may be left blank (data may be given for any of the three); the arrangements' figures of a
    period need their total, and their sum may not exceed it.
    """

    def __init__(self, *args, submission, arrangements, **kwargs):
        self.arrangements = list(arrangements)
        initial = {
            total_name(row.snapshot, name): getattr(row, name) for row in submission.totals.all() for name in TOTALS
        }
        initial |= {
            figure_name(arrangement.pk, row.snapshot, name): getattr(row, name)
            for arrangement in self.arrangements
            for row in arrangement.figures.all()
            for name in FIGURES
        }
        super().__init__(*args, initial=initial, **kwargs)
        for snapshot, _ in SNAPSHOTS:
            for name, label in TOTALS.items():
                self.fields[total_name(snapshot, name)] = _figure_field(name, label)
        for arrangement in self.arrangements:
            for snapshot, _ in SNAPSHOTS:
                for name, label in FIGURES.items():
                    self.fields[figure_name(arrangement.pk, snapshot, name)] = _figure_field(name, label)
        self.helper = form_buttons(Submit("save", "Save and continue"))

    def total_groups(self):
        """[(period label, [bound fields])]: the submission's totals, in the order the page shows them."""
        return [(label, [self[total_name(snapshot, name)] for name in TOTALS]) for snapshot, label in SNAPSHOTS]

    def groups(self):
        """(arrangement, [(period label, [bound fields])]) in the order the page shows them."""
        return [
            (
                arrangement,
                [
                    (label, [self[figure_name(arrangement.pk, snapshot, name)] for name in FIGURES])
                    for snapshot, label in SNAPSHOTS
                ],
            )
            for arrangement in self.arrangements
        ]

    def clean(self):
        cleaned = super().clean()
        for snapshot, period in SNAPSHOTS:
            for (through, medicaid), (total, words, what) in BOUNDS.items():
                given = [
                    cleaned[name]
                    for arrangement in self.arrangements
                    if arrangement.medicaid == medicaid
                    and cleaned.get(name := figure_name(arrangement.pk, snapshot, through)) is not None
                ]
                name = total_name(snapshot, total)
                whole = cleaned.get(name)
                if not given or name in self.errors:
                    continue
                if whole is None:
                    self.add_error(name, f"{period}: give {words}, as well as the {what} through your arrangements.")
                elif whole < sum(given):
                    self.add_error(
                        name,
                        f"{period}: {words} ({_shown(through, whole)}) cannot be less than the {what} through your "
                        f"arrangements ({_shown(through, sum(given))}).",
                    )
        return cleaned

    def totals(self) -> dict[int, dict]:
        """The totals given, per snapshot."""
        return {
            snapshot: {name: self.cleaned_data.get(total_name(snapshot, name)) for name in TOTALS}
            for snapshot, _ in SNAPSHOTS
        }

    def figures(self) -> dict[tuple[int, int], dict]:
        """The figures given, per (arrangement, snapshot)."""
        return {
            (arrangement.pk, snapshot): {
                name: self.cleaned_data.get(figure_name(arrangement.pk, snapshot, name)) for name in FIGURES
            }
            for arrangement in self.arrangements
            for snapshot, _ in SNAPSHOTS
        }


def figures_problems(totals, arrangements) -> list[tuple[object, str]]:
    """Arrangements with no period sufficient for either method (414.1440(f)(1)): a figure through the
    arrangement and the period's total it counts in, of payments or of patients."""
    by_snapshot = {row.snapshot: row for row in totals}

    def sufficient(arrangement, row) -> bool:
        period = by_snapshot.get(row.snapshot)
        return period is not None and any(
            not is_blank(getattr(row, through)) and not is_blank(getattr(period, total))
            for (through, medicaid), (total, _, _) in BOUNDS.items()
            if medicaid == arrangement.medicaid
        )

    return [
        (
            arrangement,
            f"Missing: payments or patients, through the arrangement and the period's total, for {arrangement.name}",
        )
        for arrangement in arrangements
        if not any(sufficient(arrangement, row) for row in arrangement.figures.all())
    ]


class CertificationForm(forms.Form):
    attester_name = forms.CharField(label="Full name of the person certifying", max_length=150)
    attester_title = forms.CharField(label="Title", max_length=150)
    certifies = forms.BooleanField(
        label="I am authorized to bind the APM Entity and I certify the statement above",
        error_messages={"required": "Check the box to certify, or the data cannot be submitted."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Submit to CMS")


class StartAllPayerForm(forms.Form):
    """Which organization the figures are for, and the performance year's open All-Payer QP window."""

    organization = forms.TypedChoiceField(label="Submit for", coerce=int)
    window = forms.TypedChoiceField(label="Performance year", coerce=int)

    def __init__(self, *args, organizations, windows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, f"{o.name} ({o.get_kind_display()})") for o in organizations]
        self.fields["window"].choices = [(w.pk, window_label(w)) for w in windows]
        self.helper = form_buttons(Submit("start", "Start the submission"))
