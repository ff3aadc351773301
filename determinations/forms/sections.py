"""The sections of the request form, in order. Which questions appear depends on the request."""

from django import forms

from determinations.choices import PayerType, Process
from determinations.rules.arrangement import MEDICAL_HOME_ELEMENTS, RISK_MECHANISMS, RISK_TYPES

from .base import SectionForm, amount_field, is_blank, percent_field, yes_no_field


def is_clinician_request(submission) -> bool:
    return submission.process == Process.CLINICIAN_INITIATED


def is_payer_type(*payer_types):
    return lambda submission: submission.payer_type in payer_types


def can_be_medical_home(submission) -> bool:
    """Medicaid Medical Home Models, and Aligned Other Payer Medical Home Models from 2020."""
    if submission.payer_type == PayerType.MEDICAID:
        return True
    return submission.payer_type == PayerType.MULTI_PAYER_MODEL and submission.performance_year.year >= 2020


class ContactSection(SectionForm):
    key = "contact"
    title = "Submitter and payer contact"
    intro = "Who we contact about this request, and the payer whose arrangement it is."
    submitter_name = forms.CharField(label="Your full name", max_length=150)
    submitter_title = forms.CharField(label="Your title", max_length=150)
    submitter_email = forms.EmailField(label="Your e-mail address")
    submitter_phone = forms.CharField(label="Your phone number", max_length=30)
    payer_legal_name = forms.CharField(label="Payer's legal name", max_length=200)
    state = forms.CharField(label="State", max_length=60, help_text="The state whose Medicaid program runs it.")
    ma_contract_numbers = forms.CharField(
        label="Medicare Advantage contract numbers",
        max_length=300,
        help_text="Each H, R or E contract number the arrangement covers, separated by commas.",
    )
    payer_contact_name = forms.CharField(label="Payer contact's name", max_length=150)
    payer_contact_email = forms.EmailField(label="Payer contact's e-mail address")
    payer_contact_phone = forms.CharField(label="Payer contact's phone number", max_length=30)
    requester_npi = forms.RegexField(
        label="Your NPI",
        regex=r"^\d{10}$",
        error_messages={"invalid": "An NPI is ten digits."},
        help_text="The National Provider Identifier of the eligible clinician filing this request.",
    )
    required_to_submit = (
        "submitter_name",
        "submitter_title",
        "submitter_email",
        "submitter_phone",
        "payer_legal_name",
        "state",
        "ma_contract_numbers",
        "payer_contact_name",
        "payer_contact_email",
    )
    shown_when = {
        "state": is_payer_type(PayerType.MEDICAID),
        "ma_contract_numbers": is_payer_type(PayerType.MEDICARE_HEALTH_PLAN),
        "payer_contact_name": is_clinician_request,
        "payer_contact_email": is_clinician_request,
        "payer_contact_phone": is_clinician_request,
        "requester_npi": lambda s: s.requester_kind == "eligible_clinician",
    }


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
    line_of_business = forms.ChoiceField(label="Line of business", choices=[("", "- Select -"), *LINES_OF_BUSINESS])
    geographic_scope = forms.CharField(
        label="Where it operates", max_length=500, help_text="States, and counties if it does not cover a whole state."
    )
    participants = forms.CharField(
        label="Participants",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The APM Entities, practices (TINs) or hospitals that take part.",
    )
    apm_entity_count = forms.IntegerField(label="Number of participating APM Entities", min_value=1)
    eligible_clinician_count = forms.IntegerField(
        label="Largest number of eligible clinicians in one APM Entity",
        min_value=0,
        help_text="The most on any of March 31, June 30 or August 31 of the performance year.",
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
    required_to_submit = (
        "name",
        "description",
        "start_date",
        "end_date",
        "line_of_business",
        "participants",
        "apm_entity_count",
        "eligible_clinician_count",
        "is_medical_home",
        "aligned_with_multi_payer_model",
    )
    shown_when = {
        "is_medical_home": can_be_medical_home,
        "primary_care_focus": can_be_medical_home,
        "empanelment": can_be_medical_home,
        "medical_home_elements": can_be_medical_home,
        "parent_organization_clinician_count": lambda s: can_be_medical_home(s) and s.performance_year.year <= 2022,
    }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return cleaned

    def missing(self, answers):
        missing = super().missing(answers)
        if answers.get("aligned_with_multi_payer_model") and is_blank(answers.get("multi_payer_model_name")):
            missing.append(("multi_payer_model_name", "Which CMS Multi-Payer Model?"))
        if answers.get("is_medical_home") and "primary_care_focus" in self.fields:
            for name in ("primary_care_focus", "empanelment", "medical_home_elements"):
                if is_blank(answers.get(name)):
                    missing.append((name, str(self.fields[name].label)))
        return missing


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
        "Lowest share of participants using CEHRT in any one APM Entity (or hospital)",
        "Across the APM Entities, the smallest share of eligible clinicians who use CEHRT.",
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
        if answers.get("requires_cehrt") is False and is_blank(answers.get("lowest_entity_cehrt_percent")):
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
    marginal_risk_rate = percent_field(
        "Marginal risk rate",
        "The share of spending above expected spending the APM Entity pays (for example, a 40% shared-loss rate).",
    )
    minimum_loss_rate = percent_field(
        "Minimum loss rate",
        "Losses below this share of expected spending are not shared (a risk corridor).",
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

    def missing(self, answers):
        missing = super().missing(answers)
        risk_type = answers.get("risk_type")
        needed = []
        if risk_type == "full_capitation":
            needed = ["capitation_without_settlement", "is_cms_medicare_advantage_capitation"]
        elif risk_type in ("medicaid_medical_home", "aligned_medical_home"):
            needed = ["risk_mechanisms", "maximum_loss_amount", "medical_home_average_revenue"]
        elif risk_type:
            needed = [
                "risk_mechanisms",
                "maximum_loss_amount",
                "marginal_risk_rate",
                "minimum_loss_rate",
                "risk_defined_in_revenue",
            ]
            needed.append("total_revenue" if answers.get("risk_defined_in_revenue") else "expected_expenditures")
        return missing + [
            (name, str(self.fields[name].label))
            for name in needed
            if name in self.fields and is_blank(answers.get(name))
        ]


SECTIONS: list[type[SectionForm]] = [
    ContactSection,
    ArrangementSection,
    CehrtSection,
    QualitySection,
    FinancialRiskSection,
]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
