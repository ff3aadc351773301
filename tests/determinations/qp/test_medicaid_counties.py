"""The counties where a Medicaid Other Payer Advanced APM is available (the selector the QP batch reads)."""

import pytest

from determinations.selectors.medicaid import medicaid_apm_counties
from determinations.services import review
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory, organization_member
from tests.factories import submissions as steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def medicaid(reference_data):
    return organization_member("payer", "medicaid", "Test State Medicaid Agency")


def _request(member, reviewer, name, **extra):
    return SubmissionFactory(member=member, name=name, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer, **extra)


def test_counties_of_approved_medicaid_arrangements_for_the_year(clock, media, medicaid, payer, reviewer, review_lead):
    steps.approved(_request(medicaid, reviewer, "County Care", years=2), reviewer, review_lead)  # 2027 and 2028
    assert medicaid_apm_counties(2027) == medicaid_apm_counties(2028) == {"24031", "24033"}
    assert medicaid_apm_counties(2026) == medicaid_apm_counties(2029) == frozenset()


@pytest.mark.parametrize("state", ["in_review", "rejected", "reopened", "commercial"])
def test_what_does_not_count(clock, media, medicaid, payer, reviewer, review_lead, state):
    member = payer if state == "commercial" else medicaid
    submission = _request(member, reviewer, "Not Counted")
    if state == "rejected":
        steps.recommended(submission, reviewer, recommendation="reject", overrides={"cehrt": "does_not_meet"})
        review.decision_make(submission_id=submission.pk, actor=review_lead, decision="reject",
                             unmet=[{"criterion": "cehrt", "reason": "No"}])  # fmt: skip
    elif state in ("reopened", "commercial"):
        steps.approved(submission, reviewer, review_lead)
        if state == "reopened":
            review.decision_reopen(submission_id=submission.pk, actor=review_lead, reason="Amended")
    assert medicaid_apm_counties(2027) == frozenset()


def test_counties_recorded_as_text_in_older_answers(clock, media, medicaid, reviewer, review_lead):
    submission = steps.approved(_request(medicaid, reviewer, "Older Answers"), reviewer, review_lead)
    submission.answers["arrangement"]["medicaid_counties"] = "24005; 24510 2401"
    submission.save(update_fields=["answers"])
    assert medicaid_apm_counties(2027) == {"24005", "24510"}  # "2401" is not a county FIPS code
