"""Helpers of the All-Payer QP Submission tests: approved arrangements, and a draft filled in through the services."""

from decimal import Decimal

from determinations.forms.all_payer import SubmitterSection
from determinations.models import SubmissionWindow
from determinations.services import all_payer_qp as service
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory, organization_member
from tests.factories import submissions as steps

SUBMITTER = {
    "submitter_name": "Ada Lovelace",
    "submitter_title": "Chief Financial Officer",
    "submitter_email": "ada@example.com",
    "submitter_phone": "202-555-0100",
}
# D1 of domain.md section 5: other payers' $900,000 of $1,200,000 through the arrangement.
D1_FIGURES = {"payment_numerator": Decimal("900000"), "patient_numerator": None}
D1_TOTALS = {
    "other_payments": Decimal("1200000"),
    "other_patients": None,
    "medicaid_payments": None,
    "medicaid_patients": None,
    "excluded_payments": Decimal("150000"),
    "excluded_patients": None,
}


def approved_determination(payer_type, name, payer_name, reviewer, lead, year=2026):
    payer = organization_member("payer", payer_type, payer_name or f"Test {payer_type}")
    submission = SubmissionFactory(member=payer, name=name, year=year, state=SubmissionStatus.IN_REVIEW,
                                   reviewer=reviewer)  # fmt: skip
    steps.approved(submission, reviewer, lead)
    return submission.determinations.get()


def all_payer_window(year=2026) -> SubmissionWindow:
    return SubmissionWindow.objects.get(performance_year__year=year, process="all_payer_qp", is_demonstration=False)


def submitter_answers(submission, actor, **data):
    """Save the submitter step as the page does: the section form validates, the service stores."""
    form = SubmitterSection(SUBMITTER | data, submission=submission)
    assert form.is_valid(), form.errors
    service.all_payer_qp_save_section(
        submission_id=submission.pk, actor=actor, section="submitter", answers=form.answers(), **form.model_answers()
    )
    submission.refresh_from_db()
    return submission


def complete_draft(member, determinations, *, level="entity", snapshot=1, figures=None, totals=None, **identifiers):
    """A draft with every step answered: the submitter and level, the arrangements, their figures and the
    period's totals (D1's by default)."""
    organization = member.memberships.get().organization
    submission = service.all_payer_qp_start(actor=member, organization=organization, window=all_payer_window())
    # Twice, as a person does: the level chosen first brings the questions of that level.
    submission = submitter_answers(submission, member, level=level)
    submission = submitter_answers(submission, member, level=level, **identifiers)
    rows = {}
    for determination in determinations:
        arrangement = service.all_payer_qp_arrangement_add(
            submission_id=submission.pk, actor=member, determination_id=determination.pk
        )
        rows[(arrangement.pk, snapshot)] = dict(figures or D1_FIGURES)
    service.all_payer_qp_figures_save(
        submission_id=submission.pk, actor=member, totals={snapshot: D1_TOTALS | (totals or {})}, figures=rows
    )
    return submission


def submit(submission, member, now=None):
    return service.all_payer_qp_submit(
        submission_id=submission.pk, actor=member, name="Ada Lovelace", title="CFO", text="I certify.", now=now
    )
