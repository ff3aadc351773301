"""The staff detail page: evidence beside the automatic checks, draft findings that lock, notes, history."""

import pytest
from django.urls import reverse

from determinations.models import CriterionResult, InternalNote, SubmissionEvent
from determinations.services import review
from determinations.services.submissions import submission_start
from determinations.states import SubmissionStatus
from determinations.workflow import TransitionRefused
from tests.factories import UserFactory
from tests.factories import submissions as steps
from tests.factories.submissions import window_for
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def detail_url(submission):
    return reverse("determinations:review_detail", args=[submission.pk])


def findings_post(client, submission, **values):
    data = {}
    for key in steps.CRITERIA:
        finding, rationale = values.get(key, ("", ""))
        data[f"{key}-finding"], data[f"{key}-rationale"] = finding, rationale
    return client.post(reverse("determinations:review_findings_save", args=[submission.pk]), data)


def test_staff_page_shows_each_criterion_with_its_evidence_and_automatic_check(client, in_review, reviewer):
    sign_in(client, reviewer)
    page = client.get(detail_url(in_review)).content.decode()
    for title in ("Use of CEHRT", "Quality measures comparable to MIPS", "More than nominal financial risk"):
        assert title in page
    assert "Contract section 4.2, page 12" in page  # the CEHRT evidence, beside its check
    assert "30-day all-cause readmissions" in page  # the measure, under quality
    assert "contract-0.pdf" in page  # the document, under financial risk
    assert "Automatic check" in page and "Save the findings as a draft" in page


def test_submission_detail_sends_staff_to_the_review_page(client, submitted, reviewer):
    sign_in(client, reviewer)
    response = client.get(reverse("determinations:submission_detail", args=[submitted.pk]))
    assert response.status_code == 302 and response["Location"] == detail_url(submitted)


def test_submitters_cannot_open_the_staff_page(client, submitted, payer):
    sign_in(client, payer)
    assert client.get(detail_url(submitted)).status_code == 403


def test_assignee_saves_a_partial_draft_then_completes_it(client, in_review, reviewer):
    sign_in(client, reviewer)
    response = findings_post(client, in_review, cehrt=("meets", "Contract 4.2 requires CEHRT."))
    assert response.status_code == 302
    cehrt = CriterionResult.objects.get(submission=in_review, criterion="cehrt")
    assert (cehrt.finding, cehrt.rationale, cehrt.finding_by, cehrt.locked) == (
        "meets",
        "Contract 4.2 requires CEHRT.",
        reviewer,
        False,
    )
    assert CriterionResult.objects.get(submission=in_review, criterion="quality").finding == ""
    page = client.get(detail_url(in_review)).content.decode()
    assert "Contract 4.2 requires CEHRT." in page and "Findings saved as a draft" in page
    event = SubmissionEvent.objects.get(submission=in_review, event_type="findings_saved")
    assert event.visibility == "staff" and event.payload == {"findings": {"cehrt": "meets"}}


def test_an_unknown_finding_is_refused_on_the_form(client, in_review, reviewer):
    sign_in(client, reviewer)
    response = findings_post(client, in_review, cehrt=("probably", "Hmm"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert CriterionResult.objects.get(submission=in_review, criterion="cehrt").finding == ""


@pytest.mark.parametrize("who", ["other_reviewer", "review_lead"])
def test_only_the_assignee_records_findings(client, in_review, review_lead, who):
    actor = review_lead if who == "review_lead" else UserFactory(staff_role="reviewer")
    sign_in(client, actor)
    response = findings_post(client, in_review, cehrt=("meets", "Fine"))
    assert response.status_code == 409
    assert "Only the reviewer assigned to this request can record findings." in response.content.decode()
    assert not CriterionResult.objects.filter(submission=in_review).exclude(finding="").exists()


def test_payers_and_program_admins_cannot_post_findings(client, in_review, payer, program_admin):
    for person in (payer, program_admin):
        sign_in(client, person)
        assert findings_post(client, in_review, cehrt=("meets", "x")).status_code == 403


def test_findings_lock_when_the_reviewer_recommends_and_open_when_sent_back(client, in_review, reviewer, review_lead):
    steps.recommended(in_review, reviewer)
    assert set(CriterionResult.objects.filter(submission=in_review).values_list("locked", flat=True)) == {True}
    sign_in(client, reviewer)
    response = findings_post(client, in_review, cehrt=("does_not_meet", "Changed my mind"))
    assert response.status_code == 409 and "The findings are locked" in response.content.decode()
    assert CriterionResult.objects.get(submission=in_review, criterion="cehrt").finding == "meets"
    page = client.get(detail_url(in_review)).content.decode()
    assert "Save the findings as a draft" not in page and "(locked)" in page

    review.decision_make(submission_id=in_review.pk, actor=review_lead, decision="send_back", reason="Check 4.2")
    assert not CriterionResult.objects.filter(submission=in_review, locked=True).exists()
    assert findings_post(client, in_review, cehrt=("does_not_meet", "Changed my mind")).status_code == 302


def test_recommending_needs_every_finding_with_a_rationale(in_review, reviewer):
    review.findings_save(
        submission_id=in_review.pk, actor=reviewer, findings={"cehrt": review.FindingInput("meets", "ok")}
    )
    with pytest.raises(TransitionRefused, match="Record a finding with its rationale for every criterion"):
        review.recommendation_make(submission_id=in_review.pk, actor=reviewer, recommendation="approve")
    assert type(in_review).objects.get(pk=in_review.pk).status == SubmissionStatus.IN_REVIEW


def test_a_recommendation_must_agree_with_the_findings(in_review, reviewer):
    steps.findings_record(in_review, reviewer, overrides={"financial_risk": "does_not_meet"})
    with pytest.raises(TransitionRefused, match="Approval needs every criterion to be met"):
        review.recommendation_make(submission_id=in_review.pk, actor=reviewer, recommendation="approve")
    steps.findings_record(in_review, reviewer)
    with pytest.raises(TransitionRefused, match="Every criterion is met, so recommend approval"):
        review.recommendation_make(submission_id=in_review.pk, actor=reviewer, recommendation="reject")


def test_recommend_through_the_page_and_refusal_is_shown(client, in_review, reviewer):
    sign_in(client, reviewer)
    url = reverse("determinations:review_recommend", args=[in_review.pk])
    refused = client.post(url, {"recommend-recommendation": "approve"})
    assert refused.status_code == 409 and "Nothing was changed" in refused.content.decode()
    steps.findings_record(in_review, reviewer)
    response = client.post(url, {"recommend-recommendation": "approve", "recommend-note": "All three met."})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == SubmissionStatus.RECOMMENDED
    event = SubmissionEvent.objects.get(submission=in_review, event_type="recommend")
    assert event.payload["recommendation"] == "approve" and event.reason == "All three met."
    assert event.payload["findings"] == {"cehrt": "meets", "quality": "meets", "financial_risk": "meets"}


def test_internal_notes_are_for_staff_only(client, in_review, reviewer, review_lead, payer):
    sign_in(client, review_lead)
    url = reverse("determinations:review_note_add", args=[in_review.pk])
    assert client.post(url, {"note-text": "Payer has a history of late answers."}).status_code == 302
    assert client.post(url, {"note-text": "  "}).status_code == 400
    sign_in(client, reviewer)
    assert "Payer has a history of late answers." in client.get(detail_url(in_review)).content.decode()

    sign_in(client, payer)
    assert client.post(url, {"note-text": "Let me in"}).status_code == 403
    page = client.get(reverse("determinations:submission_detail", args=[in_review.pk])).content.decode()
    assert "history of late answers" not in page and "Internal note" not in page
    assert InternalNote.objects.count() == 1


def test_the_staff_page_has_the_full_history_and_submitters_see_only_theirs(client, in_review, reviewer, payer):
    steps.findings_record(in_review, reviewer)
    sign_in(client, reviewer)
    page = client.get(detail_url(in_review)).content.decode()
    for label in (
        "Draft started",
        "Submitted to CMS",
        "Review started",
        "Findings saved as a draft",
        "Document uploaded",
    ):
        assert label in page
    assert "CMS staff only" in page
    sign_in(client, payer)
    mine = client.get(reverse("determinations:submission_detail", args=[in_review.pk])).content.decode()
    assert "Submitted to CMS" in mine and "Findings saved as a draft" not in mine


def test_a_draft_is_not_found_on_the_staff_page(client, reference_data, clock, payer, reviewer):
    organization = payer.memberships.get().organization
    draft = submission_start(
        actor=payer, organization=organization, window=window_for(organization), arrangement_name="Draft"
    )
    sign_in(client, reviewer)
    assert client.get(detail_url(draft)).status_code == 404
