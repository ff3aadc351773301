"""Demo requests: one in every state, for each payer type and the clinician, so every page has something.

Each request is made the way people make it, through the same services and workflow transitions
(start, save each section, add a measure and a contract, attest, submit, assign, ask, find,
recommend, decide, withdraw), so the demo keeps working when those rules change. Current requests
go into the demonstration windows (``services/windows.py``); the decided ones that fill the public
list are filed in the real windows of earlier years, at a moment inside each window. A request
whose arrangement the organization already has is left alone, so loading twice adds nothing.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from determinations.forms.sections import SECTIONS
from determinations.models import MipsMeasure, Submission, SubmissionWindow
from determinations.rules.business_days import add_business_days
from determinations.rules.calendar import EASTERN
from determinations.rules.participants import participants_from_csv
from determinations.selectors.measures import mips_measure_list_year
from determinations.services import assignment, documents, participants, review, submissions
from determinations.services.windows import WindowError
from determinations.states import SubmissionStatus
from determinations.workflow import transition_apply

# The steps each state needs after the request is started, in order.
STEPS = {
    SubmissionStatus.DRAFT: ("answer",),
    SubmissionStatus.SUBMITTED: ("answer", "submit"),
    SubmissionStatus.IN_REVIEW: ("answer", "submit", "assign"),
    SubmissionStatus.INFORMATION_REQUESTED: ("answer", "submit", "assign", "ask"),
    SubmissionStatus.RECOMMENDED: ("answer", "submit", "assign", "find", "recommend"),
    SubmissionStatus.APPROVED: ("answer", "submit", "assign", "find", "recommend", "approve"),
    SubmissionStatus.REJECTED: ("answer", "submit", "assign", "find_unmet", "recommend_reject", "reject"),
    SubmissionStatus.WITHDRAWN: ("answer", "submit", "withdraw"),
}
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class DemoRequest:
    """One demo request: whose, which arrangement, which state, and for which year (None: the demo window's)."""

    account: str
    name: str
    status: str
    payer_type: str
    year: int | None = None
    payer_name: str = ""


DEMO_REQUESTS = [
    DemoRequest("payer.admin@demo.example", "Medicaid Primary Care Shared Risk", "approved", "medicaid", 2026),
    DemoRequest("payer.admin@demo.example", "Medicaid Behavioral Health Home", "draft", "medicaid"),
    DemoRequest("payer.admin@demo.example", "Medicaid Maternity Episode", "information_requested", "medicaid"),
    DemoRequest("payer.submitter@demo.example", "Commercial Oncology Bundle", "submitted", "other_payer"),
    DemoRequest("payer.submitter@demo.example", "Commercial Upside-Only ACO", "rejected", "other_payer", 2026),
    DemoRequest("payer.submitter@demo.example", "Commercial Orthopedic Episodes", "withdrawn", "other_payer"),
    DemoRequest(
        "mhp.submitter@demo.example", "Medicare Advantage Kidney Care", "approved", "medicare_health_plan", 2025
    ),
    DemoRequest(
        "mhp.submitter@demo.example", "Medicare Advantage Value Partnership", "in_review", "medicare_health_plan"
    ),
    DemoRequest("multipayer.submitter@demo.example", "Aligned Primary Care First", "recommended", "multi_payer_model"),
    DemoRequest(
        "multipayer.submitter@demo.example", "Aligned Primary Care Plus", "approved", "multi_payer_model", 2025
    ),
    DemoRequest(
        "clinician@demo.example",
        "Regional Health Plan Shared Savings",
        "submitted",
        "other_payer",
        payer_name="Demo Regional Health Plan",
    ),
    DemoRequest(
        "clinician@demo.example",
        "County Medicaid Care Coordination",
        "draft",
        "medicaid",
        payer_name="Demo County Medicaid Plan",
    ),
]

CRITERIA = ("cehrt", "quality", "financial_risk")
# Two APM Entities of the demo arrangement; the NPIs carry valid check digits.
PARTICIPANTS = (
    "entity_name,tin,entity_identifier,npi\n"
    "Chesapeake Primary Care,123456789,DEMO-001,1234567893\n"
    "Chesapeake Primary Care,123456789,DEMO-001,1245319599\n"
    "Harbor Family Medicine,987654321,DEMO-002,1003000126\n"
)
REVIEWER = "reviewer@demo.example"
LEAD = "lead@demo.example"


def _answers(submission, user) -> dict[str, dict]:
    organization = submission.organization
    return {
        "contact": {
            "submitter_name": user.full_name,
            "submitter_title": "Director of Value-Based Payment",
            "submitter_email": user.email,
            "submitter_phone": "410-555-0100",
            "payer_legal_name": submission.arrangement.payer_name or organization.name,
            "state": "MD",
            "ma_contract_numbers": "H9999",
            "requester_npi": "1234567893",
            "payer_contact_name": "Morgan Payer-Contact",
            "payer_contact_email": "contact@payer.demo.example",
            "payer_contact_phone": "410-555-0199",
        },
        "arrangement": {
            "name": submission.arrangement_name,
            "description": "Participating practices share savings and losses against a risk-adjusted benchmark.",
            "start_date": f"{submission.performance_year.year}-01-01",
            "end_date": f"{submission.performance_year.year + 2}-12-31",
            "line_of_business": "commercial",
            "states": "MD",
            "medicaid_counties": "24031, 24033",
            "is_medical_home": "False",
            "aligned_with_multi_payer_model": "False",
        },
        "cehrt": {"requires_cehrt": "True", "requirement_citation": "Participation agreement section 7, page 9"},
        "quality": {"payment_effect": "Shared savings are paid only above a quality score of 70."},
        "financial_risk": {
            "risk_type": "two_sided",
            "risk_mechanisms": ["direct_payment"],
            "risk_defined_in_revenue": "False",
            "expected_expenditures": "10000000",
            "expenditures_without_arrangement": "10200000",
            "maximum_loss_amount": "400000",
            "risk_basis": "per_apm_entity",
            "band_1_from": "2",
            "band_1_rate": "40",
            "risk_calculation": "40% of losses above a 2% minimum loss rate, capped at 4% of the benchmark.",
        },
    }


def _answer(submission, user) -> None:
    answers = _answers(submission, user)
    for section in SECTIONS:
        form = section(data=answers.get(section.key, {}), submission=submission)
        form.is_valid()  # a demo answer a section does not ask is dropped; the rest are valid
        submissions.submission_save_section(
            submission_id=submission.pk, actor=user, section=section.key, answers=form.answers()
        )
    list_year = mips_measure_list_year(submission.performance_year.year)
    measure = MipsMeasure.objects.filter(year=list_year, measure_id="236").first()
    if measure:
        submissions.arrangement_measure_add(
            submission_id=submission.pk,
            actor=user,
            mips_measure=measure,
            title=measure.title,
            measure_identifier=measure.measure_id,
            basis="mips_list",
            is_outcome=measure.is_outcome,
            steward=measure.primary_steward,
        )
    else:
        submissions.arrangement_measure_add(
            submission_id=submission.pk,
            actor=user,
            title="30-day all-cause readmissions",
            basis="cbe_endorsed",
            cbe_id="1789",
            is_outcome=True,
        )
    participants.participants_replace(
        submission_id=submission.pk, actor=user, entities=participants_from_csv(PARTICIPANTS).entities
    )
    contract = documents.document_upload(
        submission=submission,
        actor=user,
        uploaded_file=SimpleUploadedFile("participation-agreement.pdf", PDF, content_type="application/pdf"),
        section="arrangement",
        description="Participation agreement, sections 4 and 7",
    )
    for page, criterion in ((9, "cehrt"), (12, "quality"), (4, "financial_risk")):
        participants.citation_add(
            submission_id=submission.pk, actor=user, criterion=criterion, document=contract, page=page
        )


def _step(step: str, submission: Submission, users: dict, now) -> None:
    submitter, reviewer, lead = users["submitter"], users[REVIEWER], users[LEAD]
    meets = {
        key: review.FindingInput("meets", f"The contract excerpt shows the {key} criterion is met.") for key in CRITERIA
    }
    if step == "answer":
        _answer(submission, submitter)
    elif step == "submit":
        submissions.submission_attest(
            submission_id=submission.pk,
            actor=submitter,
            name=submitter.full_name,
            title="Director",
            text="I attest.",
            now=now,
        )
        transition_apply(submission_id=submission.pk, name="submit", actor=submitter, now=now)
    elif step == "assign":
        assignment.submission_assign(submission_ids=[submission.pk], assignee=reviewer, actor=lead, now=now)
    elif step == "ask":
        review.information_request_ask(
            submission_id=submission.pk,
            actor=reviewer,
            question="Please attach the contract section that sets the minimum loss rate.",
            due_at=datetime.datetime.combine(
                add_business_days(timezone.localtime(now, EASTERN).date(), 15), datetime.time(23, 59, 59), EASTERN
            ),
            now=now,
        )
    elif step == "find":
        review.findings_save(submission_id=submission.pk, actor=reviewer, findings=meets, now=now)
    elif step == "find_unmet":
        unmet = review.FindingInput("does_not_meet", "Upside-only: the APM Entity never owes the payer anything.")
        review.findings_save(
            submission_id=submission.pk, actor=reviewer, findings={**meets, "financial_risk": unmet}, now=now
        )
    elif step in ("recommend", "recommend_reject"):
        review.recommendation_make(
            submission_id=submission.pk,
            actor=reviewer,
            recommendation="reject" if step == "recommend_reject" else "approve",
            note="Findings recorded for each criterion.",
            now=now,
        )
    elif step == "approve":
        review.decision_make(submission_id=submission.pk, actor=lead, decision="approve", now=now)
    elif step == "reject":
        review.decision_make(
            submission_id=submission.pk,
            actor=lead,
            decision="reject",
            unmet=[{"criterion": "financial_risk", "reason": "The arrangement has no downside risk."}],
            now=now,
        )
    elif step == "withdraw":
        transition_apply(
            submission_id=submission.pk,
            name="withdraw",
            actor=submitter,
            reason="Filed by mistake; the arrangement is covered by another request.",
            now=now,
        )


def _window_and_moment(demo: DemoRequest, process: str, now) -> tuple[SubmissionWindow, datetime.datetime]:
    windows = SubmissionWindow.objects.select_related("performance_year").filter(
        process=process, payer_type=demo.payer_type
    )
    if demo.year is None:
        return windows.get(is_demonstration=True), now
    window = windows.get(performance_year__year=demo.year, is_demonstration=False)
    return window, window.opens_at + datetime.timedelta(days=45)


@transaction.atomic
def demo_requests_load(*, users: dict, organizations: dict, now=None) -> list[Submission]:
    """Create the demo requests the organizations lack; returns the ones created."""
    if not settings.DEMO_DATA_ALLOWED:
        raise WindowError("Demo requests belong to demo data, which these settings do not allow.")
    now = now or timezone.now()
    created = []
    for demo in DEMO_REQUESTS:
        submitter = users[demo.account]
        organization = organizations[demo.account]
        if Submission.objects.filter(arrangement_name=demo.name, organization=organization).exists():
            continue
        process, _ = submissions.submission_process_for(organization)
        window, moment = _window_and_moment(demo, process, now)
        submission = submissions.submission_start(
            actor=submitter,
            organization=organization,
            window=window,
            arrangement_name=demo.name,
            years_requested=1,
            payer_name=demo.payer_name,
            now=moment,
        )
        for step in STEPS[demo.status]:
            _step(step, submission, {"submitter": submitter, **users}, moment)
        created.append(Submission.objects.get(pk=submission.pk))
    return created
