"""The sections of the request form, in order. Which questions appear depends on the request."""

from django import forms

from determinations.choices import PayerType, Process
from determinations.rules.arrangement import (
    MEDICAL_HOME_ELEMENTS,
    RISK_MECHANISMS,
    RISK_TYPES,
    RuleInputError,
    loss_bands,
)
from determinations.rules.identifiers import (
    STATES,
    code_list,
    county_fips_problem,
    ma_contract_problem,
    npi_problem,
)

from .base import SectionForm, amount_field, is_blank, json_safe, percent_field, yes_no_field

LOSS_BANDS = 3
STATE_CHOICES = [("", "- Select -")] + [(code, f"{name} ({code})") for code, (name, _) in STATES.items()]
MAX_YEARS = 5


def is_clinician_request(submission) -> bool:
    return submission.process == Process.CLINICIAN_INITIATED


def is_payer_type(*payer_types):
    return lambda submission: submission.payer_type in payer_types


def can_be_medical_home(submission) -> bool:
    """Medicaid Medical Home Models, and from 2020 Aligned Other Payer Medical Home Models of any payer type.

    42 CFR 414.1305 defines an Aligned Other Payer Medical Home Model by its alignment with a CMS
    Multi-Payer Model, not by the payer's type: a Medicare Health Plan or a commercial payer can run one.
    """
    return submission.payer_type == PayerType.MEDICAID or submission.performance_year.year >= 2020


def is_payer_request(submission) -> bool:
    return submission.process == Process.PAYER_INITIATED


def is_clinician_requester(submission) -> bool:
    return submission.requester_kind == "eligible_clinician"


class CodesField(forms.CharField):
    """Codes typed as text; stored as a list, shown again separated by commas."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


def codes_field(label: str, help_text: str) -> CodesField:
    return CodesField(label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": 2}))


def clean_codes(text: str, problem) -> list[str]:
    """Each code typed, checked by ``problem`` (which says why a code is wrong, or ``None``)."""
    codes = code_list(text)
    errors = [message for message in (problem(code) for code in codes) if message]
    if errors:
        raise forms.ValidationError([f"{message}." for message in errors])
    return codes


class ContactSection(SectionForm):
    key = "contact"
    title = "Submitter and payer contact"
    intro = "Who we contact about this request, and the payer whose arrangement it is."
    submitter_name = forms.CharField(label="Your full name", max_length=150)
    submitter_title = forms.CharField(label="Your title", max_length=150)
    submitter_email = forms.EmailField(label="Your e-mail address")
    submitter_phone = forms.CharField(label="Your phone number", max_length=30)
    payer_legal_name = forms.CharField(label="Payer's legal name", max_length=200)
    state = forms.ChoiceField(
        label="State", choices=STATE_CHOICES, help_text="The state whose Medicaid program runs it."
    )
    ma_contract_numbers = codes_field(
        "Medicare Advantage contract numbers",
        "Each contract number the arrangement covers (a letter and four digits, such as H1234), separated by "
        "commas. Clinicians who do not know them may leave this blank.",
    )
    payer_contact_name = forms.CharField(label="Payer contact's name", max_length=150)
    payer_contact_email = forms.EmailField(label="Payer contact's e-mail address")
    payer_contact_phone = forms.CharField(label="Payer contact's phone number", max_length=30)
    requester_npi = forms.CharField(
        label="Your NPI",
        max_length=10,
        help_text="The National Provider Identifier of the eligible clinician filing this request (ten digits).",
    )
    required_to_submit = (
        "submitter_name",
        "submitter_title",
        "submitter_email",
        "submitter_phone",
        "payer_legal_name",
        "state",
        "payer_contact_name",
        "payer_contact_email",
        "requester_npi",
    )
    shown_when = {
        "state": is_payer_type(PayerType.MEDICAID),
        "ma_contract_numbers": is_payer_type(PayerType.MEDICARE_HEALTH_PLAN),
        "payer_contact_name": is_clinician_request,
        "payer_contact_email": is_clinician_request,
        "payer_contact_phone": is_clinician_request,
        "requester_npi": is_clinician_requester,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ma_contract_numbers" in self.fields and is_payer_request(self.submission):
            self.fields["ma_contract_numbers"].label = "Medicare Advantage contract numbers (required to submit)"
            self.fields["ma_contract_numbers"].help_text = (
                "Each contract number the arrangement covers (a letter and four digits, such as H1234), "
                "separated by commas."
            )

    def clean_ma_contract_numbers(self):
        return clean_codes(self.cleaned_data.get("ma_contract_numbers", ""), ma_contract_problem)

    def clean_requester_npi(self):
        npi = self.cleaned_data.get("requester_npi", "").strip()
        if npi and (problem := npi_problem(npi)):
            raise forms.ValidationError(f"{problem}.")
        return npi

    def missing(self, answers):
        missing = super().missing(answers)
        if (
            "ma_contract_numbers" in self.fields
            and is_payer_request(self.submission)
            and is_blank(answers.get("ma_contract_numbers"))
        ):
            missing.append(("ma_contract_numbers", "Medicare Advantage contract numbers"))
        # Drafts saved before states were codes hold a name, and contract numbers as one text.
        if "state" in self.fields and answers.get("state") and answers["state"] not in STATES:
            missing.append(("state", "State, chosen from the list"))
        if isinstance(answers.get("ma_contract_numbers"), str):
            missing.append(("ma_contract_numbers", "Medicare Advantage contract numbers, each checked"))
        return missing


LINES_OF_BUSINESS = [
    ("medicaid_ffs", "Medicaid fee-for-service"),
    ("medicaid_managed_care", "Medicaid managed care"),
    ("medicare_advantage", "Medicare Advantage"),
    ("medicare_medicaid_plan", "Medicare-Medicaid Plan"),
    ("cost_plan", "Section 1876 or 1833 cost plan"),
    ("pace", "PACE"),
    ("commercial", "Commercial (group or individual)"),
    ("other", "Other"),
]


class ArrangementSection(SectionForm):
    key = "arrangement"
    title = "The arrangement"
    intro = "What the payment arrangement is, when it runs and who takes part."
    name = forms.CharField(label="Arrangement name", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 5}))
    start_date = forms.DateField(
        label="Start date", help_text="For example: 2027-01-01", widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label="End date", help_text="For example: 2029-12-31", widget=forms.DateInput(attrs={"type": "date"})
    )
    years_requested = forms.TypedChoiceField(
        label="Performance years asked for",
        choices=[(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, MAX_YEARS + 1)],
        coerce=int,
        help_text="A multi-year determination lasts as long as the agreement, up to five performance years, "
        "each within the start and end dates above.",
    )
    line_of_business = forms.ChoiceField(label="Line of business", choices=[("", "- Select -"), *LINES_OF_BUSINESS])
    states = codes_field("States where it operates", "USPS codes separated by commas, such as MD, VA.")
    medicaid_counties = codes_field(
        "Counties the Medicaid arrangement serves",
        "County FIPS codes (five digits, such as 24031), separated by commas. CMS uses them to decide whether "
        "Medicaid payments count toward clinicians' All-Payer scores (42 CFR 414.1440(a)(2)).",
    )
    parent_organization_clinician_count = forms.IntegerField(
        label="Eligible clinicians in the organization that owns and operates the APM Entity",
        min_value=0,
        help_text="Clinicians whose Medicare billing rights are reassigned to the organization's TINs "
        "(the 2019 to 2022 rule).",
    )
    is_medical_home = yes_no_field(
        "Is it a medical home model?", "A primary care model with empanelment of each patient."
    )
    primary_care_focus = yes_no_field(
        "Does it have a primary care focus?",
        "Its participants are mainly primary care practices, or multispecialty practices offering primary care.",
    )
    empanelment = yes_no_field("Is each patient empaneled to a primary clinician?")
    medical_home_elements = forms.MultipleChoiceField(
        label="Which of these does it include?",
        choices=list(MEDICAL_HOME_ELEMENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="A medical home model needs at least four.",
    )
    aligned_with_multi_payer_model = yes_no_field("Is it aligned with a CMS Multi-Payer Model?")
    multi_payer_model_name = forms.CharField(label="Which CMS Multi-Payer Model?", max_length=200)
    alignment_agreement = yes_no_field(
        "Is the alignment set out in a written agreement with CMS?",
        "Upload the agreement with the supporting documents and cite it for the criteria it supports.",
    )
    required_to_submit = (
        "name",
        "description",
        "start_date",
        "end_date",
        "line_of_business",
        "states",
        "medicaid_counties",
        "is_medical_home",
        "aligned_with_multi_payer_model",
    )
    # Kept on the Submission row rather than in the answers: the determination's years come from it.
    model_fields = ("years_requested",)
    shown_when = {
        "medicaid_counties": is_payer_type(PayerType.MEDICAID),
        "is_medical_home": can_be_medical_home,
        "primary_care_focus": can_be_medical_home,
        "empanelment": can_be_medical_home,
        "medical_home_elements": can_be_medical_home,
        "parent_organization_clinician_count": lambda s: can_be_medical_home(s) and s.performance_year.year <= 2022,
    }

    def clean_states(self):
        return clean_codes(
            self.cleaned_data.get("states", ""),
            lambda code: None if code in STATES else f"{code!r} is not a USPS state code",
        )

    def clean_medicaid_counties(self):
        state = self.submission.section("contact").get("state")
        return clean_codes(
            self.cleaned_data.get("medicaid_counties", ""),
            lambda code: county_fips_problem(code, state if state in STATES else None),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return cleaned

    def missing(self, answers):
        missing = super().missing(answers)
        if problem := years_outside_agreement(self.submission, answers):
            missing.append(("years_requested", problem))
        # An Aligned Other Payer Medical Home Model needs the evidence of its alignment.
        aligned_home = self.submission.section("financial_risk").get("risk_type") == "aligned_medical_home"
        if aligned_home and answers.get("aligned_with_multi_payer_model") is not True:
            missing.append(
                ("aligned_with_multi_payer_model", "Alignment with a CMS Multi-Payer Model (an Aligned Other Payer "
                 "Medical Home Model must be aligned with one)")
            )  # fmt: skip
        if answers.get("aligned_with_multi_payer_model") or aligned_home:
            for name in ("multi_payer_model_name", "alignment_agreement"):
                if is_blank(answers.get(name)):
                    missing.append((name, str(self.fields[name].label)))
        if answers.get("is_medical_home") and "primary_care_focus" in self.fields:
            for name in ("primary_care_focus", "empanelment", "medical_home_elements"):
                if is_blank(answers.get(name)):
                    missing.append((name, str(self.fields[name].label)))
        return missing


def years_outside_agreement(submission, answers: dict) -> str | None:
    """Why the years asked for do not fit the agreement's dates (domain.md 3.4), or ``None``."""
    start, end = answers.get("start_date"), answers.get("end_date")
    if not start or not end:
        return None
    years = submission.years
    first_covered, last_covered = int(start[:4]), int(end[:4])
    if years[0] < first_covered or years[-1] > last_covered:
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]} to {years[-1]}"
        return (
            f"Performance years that fit the agreement: {span} asked for, but the agreement runs from {start} to {end}"
        )
    return None


class CehrtSection(SectionForm):
    key = "cehrt"
    title = "Certified EHR technology (CEHRT)"
    intro = "How participants use certified electronic health record technology to document and communicate care."
    requires_cehrt = yes_no_field(
        "Does the arrangement require participants to use CEHRT?",
        "If the contract requires it, CMS presumes this criterion is met (42 CFR 414.1445(c)(2)).",
    )
    requirement_citation = forms.CharField(
        label="Where the contract requires it", max_length=300, help_text="Document name, section and page."
    )
    hospitals_are_apm_entities = yes_no_field("Are the APM Entities hospitals?")
    lowest_entity_cehrt_percent = percent_field(
        "Lowest share of participants using CEHRT in any one APM Entity",
        "Across the APM Entities, the smallest share of eligible clinicians who use CEHRT. When the APM Entities "
        "are hospitals, say instead whether each uses CEHRT in the participant list (the uses_cehrt column).",
    )
    chpl_ids = forms.CharField(
        label="CHPL product numbers",
        max_length=500,
        help_text="Certified Health IT Product List IDs, separated by commas.",
    )
    evidence = forms.CharField(label="How you know", widget=forms.Textarea(attrs={"rows": 3}))
    required_to_submit = ("requires_cehrt",)

    def missing(self, answers):
        missing = super().missing(answers)
        if answers.get("requires_cehrt") is True and is_blank(answers.get("requirement_citation")):
            missing.append(("requirement_citation", "Where the contract requires it"))
        # Hospitals answer yes or no each, in the participant list's uses_cehrt column, not a share.
        hospitals = answers.get("hospitals_are_apm_entities") is True
        if (
            answers.get("requires_cehrt") is False
            and not hospitals
            and is_blank(answers.get("lowest_entity_cehrt_percent"))
        ):
            missing.append(("lowest_entity_cehrt_percent", str(self.base_fields["lowest_entity_cehrt_percent"].label)))
        return missing


class QualitySection(SectionForm):
    key = "quality"
    title = "Quality measures"
    intro = "The quality measures the arrangement uses, and how results affect payment."
    payment_effect = forms.CharField(
        label="How measure results affect payment", widget=forms.Textarea(attrs={"rows": 3})
    )
    no_outcome_measure_certified = forms.BooleanField(
        label="I certify that no outcome measure on the MIPS list is available or applicable to this arrangement",
        help_text="Only if the arrangement uses no outcome measure (42 CFR 414.1445(c)(3)).",
    )
    no_outcome_measure_reason = forms.CharField(
        label="Why no outcome measure applies", widget=forms.Textarea(attrs={"rows": 3})
    )
    required_to_submit = ("payment_effect",)

    def missing(self, answers):
        missing = super().missing(answers)
        measures = list(self.submission.measures.all())
        if not measures:
            missing.append(("measures", "At least one quality measure"))
        has_outcome = any(m.is_outcome for m in measures)
        if measures and not has_outcome:
            if not answers.get("no_outcome_measure_certified"):
                missing.append(
                    ("no_outcome_measure_certified", "An outcome measure, or the certification that none applies")
                )
            elif is_blank(answers.get("no_outcome_measure_reason")):
                missing.append(("no_outcome_measure_reason", "Why no outcome measure applies"))
        for m in measures:
            if m.basis == "mips_list" and m.mips_measure_id is None:
                missing.append(
                    (
                        "measures",
                        f"Measure {m.measure_identifier} is not on this year's MIPS list: choose another basis",
                    )
                )
            if m.basis == "cbe_endorsed" and is_blank(m.cbe_id):
                missing.append(("measures", f"The endorsement ID of {m.title}"))
            if m.basis == "evidence_based" and is_blank(m.evidence_rationale):
                missing.append(("measures", f"Why {m.title} is evidence-based, reliable and valid"))
        return missing


class FinancialRiskSection(SectionForm):
    key = "financial_risk"
    title = "Financial risk"
    intro = "What the APM Entity owes or forgoes when spending exceeds expectations, and how much."
    risk_type = forms.ChoiceField(label="Type of risk", choices=list(RISK_TYPES.items()), widget=forms.RadioSelect)
    risk_basis = forms.ChoiceField(
        label="The amounts below are",
        choices=[
            ("per_apm_entity", "For each APM Entity"),
            ("whole_arrangement", "For the whole arrangement (all APM Entities together)"),
        ],
        widget=forms.RadioSelect,
        help_text="Give every amount on the same basis, so the shares CMS computes compare like with like.",
    )
    risk_mechanisms = forms.MultipleChoiceField(
        label="When spending exceeds expected spending (or a medical home misses a performance standard), "
        "the arrangement:",
        choices=list(RISK_MECHANISMS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    capitation_without_settlement = yes_no_field(
        "Is the capitation paid for all items and services with no settlement of losses or savings?",
    )
    is_cms_medicare_advantage_capitation = yes_no_field(
        "Is this CMS's own capitation payment to a Medicare Advantage Organization?",
        "CMS's payments to Medicare Advantage plans are not capitation arrangements for this purpose.",
    )
    expected_expenditures = amount_field(
        "Expected expenditures (the benchmark or target price)",
        "The spending the APM Entity is measured against for the performance period.",
    )
    expenditures_without_arrangement = amount_field(
        "Expected spending without the arrangement",
        "What participants would likely spend without it. A benchmark above this amount counts only up to it.",
    )
    risk_defined_in_revenue = yes_no_field("Is the risk expressly defined as a share of revenue?")
    total_revenue = amount_field(
        "Total revenue from the payer to participants under the arrangement",
    )
    maximum_loss_amount = amount_field(
        "Most the APM Entity could owe or forgo in a year",
        "The total potential risk: the loss cap or stop-loss amount.",
    )
    medical_home_average_revenue = amount_field(
        "Average estimated total revenue of participating providers under the payer",
        "For medical home models: the nominal amount is measured against this.",
    )
    risk_calculation = forms.CharField(
        label="How the amount owed or forgone is calculated", widget=forms.Textarea(attrs={"rows": 4})
    )
    required_to_submit = ("risk_type", "risk_calculation")
    shown_when = {
        "medical_home_average_revenue": can_be_medical_home,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A Medicaid Medical Home Model is a Medicaid arrangement; an Aligned Other Payer one is any
        # other payer's, from 2020 (42 CFR 414.1305).
        offered = {"medicaid_medical_home": self.submission.payer_type == PayerType.MEDICAID}
        offered["aligned_medical_home"] = not offered["medicaid_medical_home"] and can_be_medical_home(self.submission)
        self.fields["risk_type"].choices = [(key, label) for key, label in RISK_TYPES.items() if offered.get(key, True)]
        for number in range(1, LOSS_BANDS + 1):
            self.fields[f"band_{number}_from"] = percent_field(
                f"Band {number}: losses from", "In percent of expected expenditures (the benchmark)."
            )
            self.fields[f"band_{number}_to"] = percent_field(
                f"Band {number}: losses up to", "Leave blank if the band has no upper end."
            )
            self.fields[f"band_{number}_rate"] = percent_field(
                f"Band {number}: share of those losses the APM Entity pays"
            )
            for part in ("from", "to", "rate"):
                self.fields[f"band_{number}_{part}"].required = False
        names = list(self.fields)
        bands = [name for name in names if name.startswith("band_")]
        after = names.index("maximum_loss_amount") + 1
        others = [name for name in names if not name.startswith("band_")]
        self.order_fields(others[:after] + bands + others[after:])
        for number, band in enumerate(self.initial.get("marginal_risk_bands") or [], start=1):
            for part, key in (("from", "from_percent"), ("to", "to_percent"), ("rate", "rate_percent")):
                self.initial[f"band_{number}_{part}"] = band.get(key)

    def clean(self):
        cleaned = super().clean()
        bands = []
        for number in range(1, LOSS_BANDS + 1):
            values = {part: cleaned.get(f"band_{number}_{part}") for part in ("from", "to", "rate")}
            if all(value is None for value in values.values()):
                continue
            for part in ("from", "rate"):
                if values[part] is None:
                    self.add_error(f"band_{number}_{part}", f"Band {number} needs where it starts and its rate.")
            bands.append({"from_percent": values["from"], "to_percent": values["to"], "rate_percent": values["rate"]})
        if bands and not self.errors:
            try:
                loss_bands({"marginal_risk_bands": bands})
            except RuleInputError as error:
                self.add_error(None, f"The loss bands: {error.message}.")
        cleaned["marginal_risk_bands"] = bands
        return cleaned

    def answers(self) -> dict:
        answers = {name: value for name, value in super().answers().items() if not name.startswith("band_")}
        bands = [
            {key: json_safe(v) for key, v in band.items() if v is not None}
            for band in self.cleaned_data["marginal_risk_bands"]
        ]
        if bands:
            answers["marginal_risk_bands"] = bands
        return answers

    def missing(self, answers):
        """What the chosen risk test needs: capitation's two facts, the medical home figures, or the
        general test's figures with the loss bands and, for the benchmark test, the spending without the
        arrangement that caps the benchmark (42 CFR 414.1420(d)(6))."""
        missing = super().missing(answers)
        risk_type = answers.get("risk_type")
        needed = []
        if risk_type == "full_capitation":
            needed = ["capitation_without_settlement", "is_cms_medicare_advantage_capitation"]
        elif risk_type in ("medicaid_medical_home", "aligned_medical_home"):
            needed = ["risk_basis", "risk_mechanisms", "maximum_loss_amount", "medical_home_average_revenue"]
        elif risk_type:
            needed = ["risk_basis", "risk_mechanisms", "maximum_loss_amount", "risk_defined_in_revenue"]
            if answers.get("risk_defined_in_revenue"):
                needed.append("total_revenue")
            else:
                needed += ["expected_expenditures", "expenditures_without_arrangement"]
        missing += [
            (name, str(self.fields[name].label))
            for name in needed
            if name in self.fields and is_blank(answers.get(name))
        ]
        general = risk_type and risk_type != "full_capitation" and not risk_type.endswith("medical_home")
        if general and not answers.get("marginal_risk_bands"):
            missing.append(("band_1_from", "The loss bands: losses from x% to y% of the benchmark at rate r"))
        return missing


SECTIONS: list[type[SectionForm]] = [
    ContactSection,
    ArrangementSection,
    CehrtSection,
    QualitySection,
    FinancialRiskSection,
]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
