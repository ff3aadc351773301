"""``SubmissionFactory``: a determination request in any state, made the way people make it.

Every state is reached through the services and the workflow table (start, answer each section,
add a measure and a document, attest, submit, assign, start the review, record findings, recommend,
decide, withdraw), so a request built here has the tracking number, pre-check results, events and
review due date the portal itself gives it. When the chosen window is not open at the test's
clock, the request is built at a moment inside the window (``built_at``) and the clock then
returns to the test's time.
"""

import datetime

import factory
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import MembershipRole, OrganizationKind, StaffRole
from determinations.choices import Process
from determinations.forms.sections import SECTIONS
from determinations.models import Submission, SubmissionWindow
from determinations.rules.participants import participants_from_csv
from determinations.services import assignment, documents, participants, review, submissions
from determinations.services.submissions import submission_process_for
from determinations.states import SubmissionStatus
from determinations.workflow import transition_apply

from .accounts import MembershipFactory, OrganizationFactory, UserFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CRITERIA = ("cehrt", "quality", "financial_risk")

# The answers a complete request gives, section by section, as the forms receive them.
COMPLETE_ANSWERS = {
    "contact": {
        "submitter_name": "Jordan Submitter",
        "submitter_title": "Director of Value-Based Payment",
        "submitter_email": "jordan@example.org",
        "submitter_phone": "555-0100",
        "payer_legal_name": "Example Payer",
        "state": "MD",
        "ma_contract_numbers": "H1234",
        "requester_npi": "1234567893",
        "payer_contact_name": "Pat Payer",
        "payer_contact_email": "pat@payer.example",
    },
    "arrangement": {
        "name": "Example Shared Risk Program",
        "description": "Two-sided risk for primary care groups.",
        "start_date": "2026-01-01",
        "end_date": "2030-12-31",
        "line_of_business": "commercial",
        "states": "MD",
        "medicaid_counties": "24031, 24033",
        "is_medical_home": "False",
        "aligned_with_multi_payer_model": "False",
    },
    "cehrt": {"requires_cehrt": "True", "requirement_citation": "Contract section 4.2, page 12"},
    "quality": {"payment_effect": "Shared savings depend on quality scores."},
    "financial_risk": {
        "risk_type": "two_sided",
        "risk_mechanisms": ["direct_payment"],
        "risk_defined_in_revenue": "False",
        "expected_expenditures": "10000000",
        "expenditures_without_arrangement": "10500000",
        "maximum_loss_amount": "400000",
        "risk_basis": "per_apm_entity",
        "band_1_from": "2",
        "band_1_rate": "40",
        "risk_calculation": "40% of losses above a 2% minimum loss rate, capped at 4% of the benchmark.",
    },
}

# Two APM Entities; the NPIs carry valid check digits (Luhn over 80840 + the first nine digits).
PARTICIPANTS_CSV = (
    "entity_name,tin,entity_identifier,npi\n"
    "Riverside Primary Care,123456789,ENT-001,1234567893\n"
    "Riverside Primary Care,123456789,ENT-001,1245319599\n"
    "Hilltop Family Medicine,987654321,ENT-002,1003000126\n"
)

# Each state, as the steps that reach it from the one before (a draft is where every path starts).
STATE_PATHS = {
    SubmissionStatus.DRAFT: (),
    SubmissionStatus.SUBMITTED: ("submit",),
    SubmissionStatus.WITHDRAWN: ("submit", "withdraw"),
    SubmissionStatus.IN_REVIEW: ("submit", "start_review"),
    SubmissionStatus.INFORMATION_REQUESTED: ("submit", "start_review", "request_information"),
    SubmissionStatus.RECOMMENDED: ("submit", "start_review", "recommend"),
    SubmissionStatus.APPROVED: ("submit", "start_review", "recommend", "approve"),
    SubmissionStatus.REJECTED: ("submit", "start_review", "recommend", "reject"),
}


def organization_member(kind: str, payer_type: str = "", name: str = "", role=MembershipRole.SUBMITTER):
    """A person with ``role`` in a new organization of ``kind``."""
    organization = OrganizationFactory(
        kind=kind,
        payer_type=payer_type,
        name=name or f"Test {payer_type or kind}",
        tin="987654321" if kind == OrganizationKind.PRACTICE else "",
    )
    return MembershipFactory(organization=organization, role=role).user


def submitter_of(organization):
    """A submitter of ``organization`` (one is added when it has none)."""
    membership = organization.memberships.filter(role=MembershipRole.SUBMITTER).first()
    return (membership or MembershipFactory(organization=organization, role=MembershipRole.SUBMITTER)).user


def window_for(organization, *, year: int = 2027, payer_type: str = "") -> SubmissionWindow:
    """The window of ``year`` in which ``organization`` files (its own payer type unless given)."""
    process, _ = submission_process_for(organization)
    payer_type = payer_type or organization.payer_type or "other_payer"
    return SubmissionWindow.objects.get(
        performance_year__year=year, process=process, payer_type=payer_type, is_demonstration=False
    )


def document_add(submission, member, *, name="contract.pdf", section="financial_risk", information_request=None):
    """Upload a small PDF to ``submission`` as ``member`` would."""
    return documents.document_upload(
        submission=submission,
        actor=member,
        uploaded_file=SimpleUploadedFile(name, PDF_BYTES + name.encode(), content_type="application/pdf"),
        section=section,
        description="Contract section 4",
        information_request=information_request,
    )


def findings_record(submission, reviewer, *, overrides: dict | None = None, now=None):
    """Record a finding for every criterion: met, unless ``overrides`` says otherwise."""
    findings = {key: review.FindingInput("meets", f"The evidence shows {key} is met.") for key in CRITERIA}
    for key, finding in (overrides or {}).items():
        findings[key] = review.FindingInput(finding, f"Finding {finding} for {key}.")
    return review.findings_save(submission_id=submission.pk, actor=reviewer, findings=findings, now=now)


def review_started(submission, reviewer, *, now=None) -> Submission:
    """Assign ``reviewer`` (as a review lead would) and start the review."""
    lead = UserFactory(staff_role=StaffRole.REVIEW_LEAD)
    assignment.submission_assign(submission_ids=[submission.pk], assignee=reviewer, actor=lead, now=now)
    return Submission.objects.get(pk=submission.pk)


def recommended(submission, reviewer, *, recommendation="approve", overrides=None, now=None) -> Submission:
    """Record findings (all met unless ``overrides``) and recommend ``recommendation``."""
    if recommendation == "reject" and not overrides:
        overrides = {"financial_risk": "does_not_meet"}
    findings_record(submission, reviewer, overrides=overrides, now=now)
    return review.recommendation_make(
        submission_id=submission.pk, actor=reviewer, recommendation=recommendation, note="Ready.", now=now
    )


def approved(submission, reviewer, lead, *, now=None) -> Submission:
    """Recommend approval as ``reviewer`` and approve as ``lead``."""
    recommended(submission, reviewer, now=now)
    return review.decision_make(submission_id=submission.pk, actor=lead, decision="approve", now=now)


def due_in(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


class SubmissionFactory(factory.Factory):
    """``SubmissionFactory(state=..., organization=..., ...)``: a request built through the services.

    ``state`` is any ``SubmissionStatus``; ``member`` submits for ``organization`` (either gives the
    other; a commercial payer when neither is given); the people a state needs (``reviewer``,
    ``lead``) are made when not given. ``assignee`` is the reviewer a lead assigns (which starts the
    review of a submitted request). ``unassigned=True`` leaves a request in review without a reviewer,
    the way that happens in the portal: its reviewer declares a conflict of interest.
    """

    class Meta:
        model = Submission

    state = SubmissionStatus.SUBMITTED
    organization = None
    member = None
    name = "Example Shared Risk Program"
    payer_name = ""
    year = 2027
    payer_type = ""
    years = 1
    measure_count = 1
    document_count = 1
    reviewer = None
    lead = None
    assignee = None
    recommendation = ""
    findings = None
    unassigned = False
    built_at = None

    @classmethod
    def _create(cls, model_class, *, state, organization, member, **options):
        if organization is None:
            organization = (
                member.memberships.get().organization
                if member
                else OrganizationFactory(
                    kind=OrganizationKind.PAYER, payer_type="other_payer", name="Test Commercial Health Plan"
                )
            )
        options.update(organization=organization, member=member or submitter_of(organization))
        window = window_for(options["organization"], year=options.pop("year"), payer_type=options.pop("payer_type"))
        built_at = options.pop("built_at")
        if built_at is None and not window.is_open():
            built_at = window.opens_at + datetime.timedelta(days=1)
        if built_at is None:
            return cls._build_through_services(window, state, **options)
        with time_machine.travel(built_at, tick=False):
            return cls._build_through_services(window, state, **options)

    @classmethod
    def _build_through_services(
        cls, window, state, *, member, organization, assignee, unassigned, **options
    ) -> Submission:
        submission = draft_answered(window, member, organization, **options)
        steps = STATE_PATHS[SubmissionStatus(state)]
        reviewer = options["reviewer"] or assignee or UserFactory(staff_role=StaffRole.REVIEWER)
        recommendation = options["recommendation"] or ("reject" if "reject" in steps else "approve")
        for step in steps:
            if step == "submit":
                submission = submitted(submission, member, **options)
                if assignee and "start_review" not in steps:
                    review_started(submission, assignee)
            elif step == "withdraw":
                transition_apply(submission_id=submission.pk, name="withdraw", actor=member)
            elif step == "start_review":
                review_started(submission, reviewer)
            elif step == "request_information":
                review.information_request_ask(
                    submission_id=submission.pk, actor=reviewer, question="Please send the contract.", due_at=due_in(14)
                )
            elif step == "recommend":
                recommended(submission, reviewer, recommendation=recommendation, overrides=options["findings"])
            else:
                lead = options["lead"] or UserFactory(staff_role=StaffRole.REVIEW_LEAD)
                unmet = [{"criterion": "financial_risk", "reason": "The risk is below the nominal amount."}]
                review.decision_make(
                    submission_id=submission.pk, actor=lead, decision=step, unmet=unmet if step == "reject" else None
                )
        if unassigned:
            assignment.conflict_declare(
                reviewer=reviewer, submission=submission, reason="A relative works for this organization."
            )
        return Submission.objects.get(pk=submission.pk)


def draft_answered(window, member, organization, *, name, payer_name, years, **options) -> Submission:
    """A draft with every section answered (complete, but not sent)."""
    submission = submissions.submission_start(
        actor=member,
        organization=organization,
        window=window,
        arrangement_name=name,
        payer_name=payer_name or organization.name,
        years_requested=years,
    )
    for section in SECTIONS:
        answers = {**COMPLETE_ANSWERS.get(section.key, {})}
        if section.key == "arrangement":
            answers["name"] = name
        if section.key == "contact" and window.process == Process.CLINICIAN_INITIATED:
            answers["payer_legal_name"] = payer_name or organization.name
        form = section(data=answers, submission=submission)
        assert form.is_valid(), form.errors
        submissions.submission_save_section(
            submission_id=submission.pk, actor=member, section=section.key, answers=form.answers()
        )
    participants.participants_replace(
        submission_id=submission.pk, actor=member, entities=participants_from_csv(PARTICIPANTS_CSV).entities
    )
    return submission


def attested(submission, member, *, measure_count, document_count, **options) -> Submission:
    """Add the measures and the cited documents to ``submission`` and attest it as ``member``: ready to submit."""
    submissions.arrangement_measure_add(
        submission_id=submission.pk,
        actor=member,
        title="30-day all-cause readmissions",
        basis="cbe_endorsed",
        cbe_id="1789",
        is_outcome=True,
    )
    for number in range(1, measure_count):
        submissions.arrangement_measure_add(
            submission_id=submission.pk,
            actor=member,
            title=f"Measure {number}",
            basis="evidence_based",
            evidence_rationale="Validated in the payer's own studies.",
        )
    for number in range(document_count):
        document = document_add(submission, member, name=f"contract-{number}.pdf")
        if number == 0:  # the first contract is cited for each criterion: CEHRT p. 3, quality p. 4, risk p. 5
            for page, criterion in enumerate(CRITERIA, start=3):
                participants.citation_add(
                    submission_id=submission.pk, actor=member, criterion=criterion, document=document, page=page
                )
    submissions.submission_attest(
        submission_id=submission.pk, actor=member, name="Jordan Submitter", title="Director", text="I attest."
    )
    return submission


def complete_draft(
    member,
    *,
    name="Example Shared Risk Program",
    years=1,
    payer_type="",
    document_count=1,
    measure_count=1,
    now=None,
) -> Submission:
    """A draft of ``member``'s organization in its 2027 window with every answer, participants, measures,
    cited documents and the attestation: ready to submit (at ``now``, or the test's clock)."""
    organization = member.memberships.get().organization
    with time_machine.travel(now or timezone.now(), tick=True):
        submission = draft_answered(
            window_for(organization, payer_type=payer_type), member, organization, name=name, payer_name="", years=years
        )
        attested(submission, member, measure_count=measure_count, document_count=document_count)
    return Submission.objects.get(pk=submission.pk)


def submitted_request(member, *, now=None, **draft) -> Submission:
    """A complete request, submitted by ``member`` (at ``now``, or the test's clock, inside the window)."""
    submission = complete_draft(member, now=now, **draft)
    transition_apply(submission_id=submission.pk, name="submit", actor=member, now=now)
    return Submission.objects.get(pk=submission.pk)


def submitted(submission, member, **options) -> Submission:
    """Add the measures and documents, attest and submit ``submission`` as ``member``."""
    attested(submission, member, **options)
    return transition_apply(submission_id=submission.pk, name="submit", actor=member)
