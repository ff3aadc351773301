"""Decisions with two people: every transition and every refusal, reopening, and two leads at once."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from determinations.models import ConflictOfInterest, CriterionResult, Determination, Submission, SubmissionEvent
from determinations.services import review
from determinations.states import SubmissionStatus
from determinations.workflow import TRANSITIONS, TransitionRefused, TransitionRepeated, transition_apply
from tests.factories import SubmissionFactory, UserFactory
from tests.factories import submissions as steps
from tests.support import sign_in, skip_or_fail

pytestmark = pytest.mark.django_db


UNMET_RISK = [{"criterion": "financial_risk", "reason": "Losses are capped below the nominal amount."}]


@pytest.fixture
def recommended(in_review, reviewer):
    return steps.recommended(in_review, reviewer)


def decide(submission, lead, decision="approve", **extra):
    return review.decision_make(submission_id=submission.pk, actor=lead, decision=decision, **extra)


def status(submission) -> str:
    return Submission.objects.get(pk=submission.pk).status


# --- Each transition -------------------------------------------------------------------------


def test_approval_records_the_determination_for_the_requested_years(
    reference_data, clock, media, payer, reviewer, review_lead, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(member=payer, years=3, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    steps.recommended(submission, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(submission, review_lead)
    assert status(submission) == SubmissionStatus.APPROVED
    determination = Determination.objects.get(submission=submission)
    assert (determination.outcome, determination.first_year, determination.last_year) == ("approved", 2027, 2029)
    assert (determination.decided_by, determination.recommended_by) == (review_lead, reviewer)
    assert [item["outcome"] for item in determination.reasons] == ["meets"] * 3
    assert determination.letter.name.endswith(".pdf")
    decision_mail = [m for m in mail.outbox if m.subject.startswith("Decision:")]
    assert len(decision_mail) == 1 and payer.email in decision_mail[0].to
    assert "2027 through 2029" in decision_mail[0].body and "letter.pdf" in decision_mail[0].body


def test_rejection_names_each_unmet_criterion_and_the_reason(in_review, reviewer, review_lead):
    steps.recommended(in_review, reviewer, recommendation="reject", overrides={"financial_risk": "does_not_meet"})
    with pytest.raises(TransitionRefused, match="Name each criterion that is not met"):
        decide(in_review, review_lead, "reject", unmet=[])
    with pytest.raises(TransitionRefused, match="Give the reason More than nominal financial risk is not met"):
        decide(in_review, review_lead, "reject", unmet=[{"criterion": "financial_risk", "reason": " "}])
    decide(in_review, review_lead, "reject", unmet=UNMET_RISK)
    assert status(in_review) == SubmissionStatus.REJECTED
    determination = Determination.objects.get(submission=in_review)
    by_criterion = {item["criterion"]: item for item in determination.reasons}
    assert by_criterion["financial_risk"]["outcome"] == "does_not_meet"
    assert by_criterion["financial_risk"]["reason"] == UNMET_RISK[0]["reason"]
    assert by_criterion["cehrt"]["outcome"] == "meets"


def test_approval_is_refused_when_a_finding_is_not_met(in_review, reviewer, review_lead):
    steps.recommended(in_review, reviewer, recommendation="reject", overrides={"cehrt": "does_not_meet"})
    with pytest.raises(TransitionRefused, match="send it back to the reviewer"):
        decide(in_review, review_lead)
    assert not Determination.objects.exists()


def test_sending_back_needs_a_reason_and_reopens_the_findings(recommended, reviewer, review_lead):
    with pytest.raises(TransitionRefused, match="Give the reason in writing"):
        decide(recommended, review_lead, "send_back")
    decide(recommended, review_lead, "send_back", reason="Check the loss cap again.")
    assert status(recommended) == SubmissionStatus.IN_REVIEW
    assert not CriterionResult.objects.filter(submission=recommended, locked=True).exists()
    event = SubmissionEvent.objects.get(submission=recommended, event_type="send_back")
    assert event.reason == "Check the loss cap again." and event.visibility == "staff"
    steps.recommended(recommended, reviewer)  # the reviewer recommends again
    decide(recommended, review_lead)
    assert status(recommended) == SubmissionStatus.APPROVED


def test_every_review_transition_is_exercised():
    """The table these tests walk; a new transition needs a test here."""
    assert set(TRANSITIONS) == {
        "submit",
        "withdraw",
        "start_review",
        "request_information",
        "respond",
        "close_information_request",
        "recommend",
        "send_back",
        "approve",
        "reject",
        "reopen",
        # Made by the batch job that applies a payer's decision (tests/determinations/review/test_linked_requests.py).
        "apply_payer_approval",
        "apply_payer_rejection",
    }


# --- Refusals --------------------------------------------------------------------------------


def test_a_reviewer_cannot_decide(recommended, reviewer):
    other_reviewer = UserFactory(staff_role="reviewer")
    for person in (reviewer, other_reviewer):
        with pytest.raises(TransitionRefused, match="Only a CMS review lead can do this."):
            decide(recommended, person)
    assert status(recommended) == SubmissionStatus.RECOMMENDED


def test_payers_and_program_admins_cannot_decide(recommended, payer, program_admin):
    for person in (payer, program_admin):
        with pytest.raises(TransitionRefused, match="Only a CMS review lead"):
            decide(recommended, person)


def test_the_lead_who_recommended_cannot_also_decide(submitted, review_lead, second_lead):
    # Leads are never assigned through the portal; the table must still refuse if one were (a data edit).
    Submission.objects.filter(pk=submitted.pk).update(assignee=review_lead, assigned_at=submitted.submitted_at)
    transition_apply(submission_id=submitted.pk, name="start_review", actor=review_lead)
    steps.recommended(submitted, review_lead)
    for decision, extra in (("approve", {}), ("reject", {"unmet": UNMET_RISK}), ("send_back", {"reason": "x"})):
        with pytest.raises(TransitionRefused, match="You recommended this decision, so another review lead"):
            decide(submitted, review_lead, decision, **extra)
    decide(submitted, second_lead)
    assert Determination.objects.get().recommended_by == review_lead


def test_a_lead_with_a_conflict_of_interest_cannot_decide(recommended, review_lead, second_lead):
    ConflictOfInterest.objects.create(
        reviewer=review_lead, organization=recommended.organization, reason="Former employer"
    )
    with pytest.raises(TransitionRefused, match="You declared a conflict of interest with the organization that filed"):
        decide(recommended, review_lead)
    decide(recommended, second_lead)


def test_a_withdrawn_request_cannot_be_decided(recommended, payer, review_lead):
    transition_apply(submission_id=recommended.pk, name="withdraw", actor=payer, reason="Contract ended")
    with pytest.raises(TransitionRefused, match="This request is withdrawn .*so you cannot approve it now"):
        decide(recommended, review_lead)
    with pytest.raises(TransitionRefused, match="cannot reject it now"):
        decide(recommended, review_lead, "reject", unmet=UNMET_RISK)
    assert not Determination.objects.exists()


def test_a_request_not_yet_recommended_cannot_be_decided(in_review, review_lead):
    with pytest.raises(TransitionRefused, match="This request is in review .*so you cannot approve it now"):
        decide(in_review, review_lead)


def test_a_decided_request_cannot_be_withdrawn_or_recommended(recommended, reviewer, payer, review_lead):
    decide(recommended, review_lead)
    with pytest.raises(TransitionRefused, match="cannot be withdrawn now"):
        transition_apply(submission_id=recommended.pk, name="withdraw", actor=payer)
    with pytest.raises(TransitionRefused, match="cannot recommend a decision now"):
        review.recommendation_make(submission_id=recommended.pk, actor=reviewer, recommendation="approve")


def test_the_second_lead_is_told_who_decided_and_nothing_is_decided_twice(recommended, review_lead, second_lead):
    decide(recommended, review_lead)
    with pytest.raises(TransitionRepeated, match="Already done by you on .*: Approved"):
        decide(recommended, review_lead)  # a double click by the same lead changes nothing, and says so
    with pytest.raises(TransitionRefused, match=f"already approved by {review_lead}"):
        decide(recommended, second_lead)
    with pytest.raises(TransitionRefused, match=f"approved \\(approved by {review_lead}.*cannot reject it now"):
        decide(recommended, second_lead, "reject", unmet=UNMET_RISK)
    assert Determination.objects.count() == 1
    assert SubmissionEvent.objects.filter(submission=recommended, event_type="approve").count() == 1


# --- Reopening -------------------------------------------------------------------------------


def test_a_lead_reopens_only_with_a_written_reason_and_it_is_audited(recommended, reviewer, review_lead, second_lead):
    decide(recommended, review_lead)
    with pytest.raises(TransitionRefused, match="Only a CMS review lead"):
        review.decision_reopen(submission_id=recommended.pk, actor=reviewer, reason="I disagree")
    with pytest.raises(TransitionRefused, match="Give the reason in writing"):
        review.decision_reopen(submission_id=recommended.pk, actor=second_lead, reason="  ")
    review.decision_reopen(submission_id=recommended.pk, actor=second_lead, reason="The payer amended the contract.")
    assert status(recommended) == SubmissionStatus.IN_REVIEW
    first = Determination.objects.get()
    assert first.superseded_at is not None
    event = SubmissionEvent.objects.get(submission=recommended, event_type="reopen")
    assert event.actor == second_lead and event.reason == "The payer amended the contract."
    assert event.payload["superseded"] == [first.pk]
    assert not CriterionResult.objects.filter(submission=recommended, locked=True).exists()

    steps.recommended(recommended, reviewer, recommendation="reject", overrides={"quality": "does_not_meet"})
    decide(recommended, review_lead, "reject", unmet=[{"criterion": "quality", "reason": "No outcome measure."}])
    assert Determination.objects.count() == 2
    assert Determination.objects.get(superseded_at__isnull=True).outcome == "rejected"


def test_reopening_an_undecided_request_is_refused(in_review, review_lead):
    with pytest.raises(TransitionRefused, match="so you cannot reopen the decision now"):
        review.decision_reopen(submission_id=in_review.pk, actor=review_lead, reason="Why not")


# --- Pages -----------------------------------------------------------------------------------


def test_the_lead_decides_through_the_page(client, recommended, review_lead):
    sign_in(client, review_lead)
    detail = client.get(reverse("determinations:review_detail", args=[recommended.pk])).content.decode()
    assert "Decide" in detail and "Recommended <strong>approval</strong>" in detail
    url = reverse("determinations:review_decide", args=[recommended.pk])
    page = client.get(url).content.decode()
    assert "The reviewer&#x27;s findings" in page or "The reviewer's findings" in page
    missing = client.post(url, {"decision": "reject"})
    assert missing.status_code == 400 and "Tick each criterion that is not met." in missing.content.decode()
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    assert status(recommended) == SubmissionStatus.APPROVED


def test_rejecting_through_the_page_needs_a_reason_per_ticked_criterion(client, in_review, reviewer, review_lead):
    steps.recommended(in_review, reviewer, recommendation="reject", overrides={"financial_risk": "does_not_meet"})
    sign_in(client, review_lead)
    url = reverse("determinations:review_decide", args=[in_review.pk])
    page = client.get(url).content.decode()
    assert 'name="unmet_financial_risk"' in page and "Finding does_not_meet for financial_risk." in page
    response = client.post(url, {"decision": "reject", "unmet_financial_risk": "on", "reason_financial_risk": ""})
    assert response.status_code == 400 and "Give the reason this criterion is not met." in response.content.decode()
    response = client.post(
        url, {"decision": "reject", "unmet_financial_risk": "on", "reason_financial_risk": "Cap too low."}
    )
    assert response.status_code == 302
    reasons = Determination.objects.get().reasons
    assert [item["criterion"] for item in reasons] == ["cehrt", "quality", "financial_risk"]
    assert reasons[2] == {
        "criterion": "financial_risk",
        "title": "More than nominal financial risk",
        "outcome": "does_not_meet",
        "reason": "Cap too low.",
    }


def test_the_second_lead_sees_why_on_the_page(client, recommended, review_lead, second_lead):
    url = reverse("determinations:review_decide", args=[recommended.pk])
    sign_in(client, second_lead)
    client.get(url)  # the page is open in this lead's browser ...
    decide(recommended, review_lead)  # ... when the first lead decides
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 409
    assert f"already approved by {review_lead}" in response.content.decode()


def test_decision_pages_are_for_leads(client, recommended, reviewer, payer):
    for person in (reviewer, payer):
        sign_in(client, person)
        assert client.get(reverse("determinations:review_decide", args=[recommended.pk])).status_code == 403
        assert client.post(reverse("determinations:review_reopen", args=[recommended.pk]), {}).status_code == 403


def test_the_lead_reopens_through_the_page(client, recommended, review_lead):
    decide(recommended, review_lead)
    sign_in(client, review_lead)
    url = reverse("determinations:review_reopen", args=[recommended.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "New contract amendment"}).status_code == 302
    page = client.get(reverse("determinations:review_detail", args=[recommended.pk])).content.decode()
    assert "Decision reopened" in page and "New contract amendment" in page and "Reopened" in page


# --- Two leads at once, against PostgreSQL ---------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_decision", ["approve", "reject"])
def test_two_leads_deciding_at_once_make_exactly_one_determination(
    reference_data, clock, media, payer, reviewer, review_lead, second_lead, second_decision
):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent decisions need PostgreSQL's row locks (set DATABASE_URL)")
    submission = SubmissionFactory(member=payer, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    steps.recommended(submission, reviewer)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide_in_thread(lead, decision):
        try:
            barrier.wait(timeout=10)
            extra = {"unmet": UNMET_RISK} if decision == "reject" else {}
            decide(submission, lead, decision, **extra)
            outcomes.append(("decided", lead.pk))
        except TransitionRefused as refused:
            outcomes.append(("refused", str(refused)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_in_thread, args=(review_lead, "approve")),
        threading.Thread(target=decide_in_thread, args=(second_lead, second_decision)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["decided", "refused"], outcomes
    refusal = next(text for kind, text in outcomes if kind == "refused")
    assert "already approved by" in refusal or "so you cannot" in refusal
    assert Determination.objects.filter(submission=submission).count() == 1
    assert SubmissionEvent.objects.filter(submission=submission, event_type__in=["approve", "reject"]).count() == 1
