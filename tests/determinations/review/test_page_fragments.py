"""The review page's cached blocks (header, request, criteria, decision, questions, notes, history)
and the decision page's follow every change.

A stale review page is worse than a slow one: each kind of change made through the services must
show on the very next load, while a load with nothing changed is served from the cache.
"""

import datetime
import re

import pytest
from django.db import transaction
from django.urls import reverse
from pytest_django.asserts import assertContains

from determinations.models import Submission
from determinations.services import assignment, review
from determinations.services.rechecks import submission_criteria_recheck
from determinations.views import review_detail
from tests.factories import UserFactory
from tests.factories import submissions as steps
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def page(client, submission):
    response = client.get(reverse("determinations:review_detail", args=[submission.pk]))
    assert response.status_code == 200
    return response


def history_rows(response) -> int:
    history = response.content.decode().split('id="history"', 1)[1]
    return len(re.findall(r'<td data-label="When">', history))


@pytest.fixture
def renders(monkeypatch):
    """How many times the criteria block was built (it is built only when its fragment is missing)."""
    calls = []
    real = review_detail._criteria
    monkeypatch.setattr(review_detail, "_criteria", lambda *args: calls.append(1) or real(*args))
    return calls


def test_a_second_load_with_nothing_changed_comes_from_the_cache(client, in_review, reviewer, renders):
    sign_in(client, reviewer)
    first = page(client, in_review)
    second = page(client, in_review)

    assert len(renders) == 1
    assert history_rows(second) == history_rows(first) == in_review.events.count()


def change_note(submission, reviewer, payer, lead):
    review.internal_note_add(submission_id=submission.pk, actor=reviewer, text="Checked the contract.")


def change_findings(submission, reviewer, payer, lead):
    steps.findings_record(submission, reviewer, overrides={"financial_risk": "does_not_meet"})


def change_question_and_answer_with_a_document(submission, reviewer, payer, lead):
    question = review.information_request_ask(
        submission_id=submission.pk, actor=reviewer, question="Send page 4.", due_at=steps.due_in(10)
    )
    steps.document_add(submission, payer, name="page-four-of-the-contract.pdf", information_request=question)
    review.information_request_answer(
        submission_id=submission.pk, actor=payer, information_request_id=question.pk, response="Attached."
    )


def change_assignee(submission, reviewer, payer, lead):
    other = UserFactory(staff_role="reviewer", full_name="Other Reviewer")
    assignment.submission_assign(submission_ids=[submission.pk], assignee=other, actor=lead)


def change_recommendation(submission, reviewer, payer, lead):
    steps.recommended(submission, reviewer)


def change_recheck(submission, reviewer, payer, lead):
    submission_criteria_recheck(submission_id=submission.pk)


def change_due_date(submission, reviewer, payer, lead):
    review.information_request_ask(
        submission_id=submission.pk, actor=reviewer, question="Send page 9.", due_at=steps.due_in(10)
    )
    review.information_request_extend(
        submission_id=submission.pk,
        actor=reviewer,
        due_at=datetime.datetime(2030, 3, 14, 12, tzinfo=datetime.UTC),
        reason="The payer asked for more time.",
    )


def change_decision(submission, reviewer, payer, lead):
    steps.approved(submission, reviewer, lead)


@pytest.mark.parametrize(
    "change,shows",
    [
        (change_note, "Checked the contract."),
        (change_findings, "Finding does_not_meet for financial_risk."),
        (change_question_and_answer_with_a_document, "page-four-of-the-contract.pdf"),
        (change_question_and_answer_with_a_document, "Send page 4."),
        (change_assignee, "<strong>Other Reviewer</strong>"),
        (change_recommendation, "(locked)"),
        (change_recheck, None),
        (change_due_date, "March 14, 2030"),
        (change_decision, "Download the letter (PDF)"),
    ],
)
def test_every_kind_of_change_shows_on_the_next_load(
    client, in_review, reviewer, payer, review_lead, renders, change, shows
):
    sign_in(client, reviewer)
    before = page(client, in_review)
    if shows:
        assert shows not in before.content.decode()

    change(in_review, reviewer, payer, review_lead)
    after = page(client, in_review)

    assert len(renders) == 2
    assert history_rows(after) == Submission.objects.get(pk=in_review.pk).events.count() > history_rows(before)
    if shows:
        assertContains(after, shows)


def test_the_version_moves_with_each_event_and_rolls_back_with_it(in_review, reviewer):
    version = Submission.objects.get(pk=in_review.pk).data_version
    review.internal_note_add(submission_id=in_review.pk, actor=reviewer, text="One")
    assert Submission.objects.get(pk=in_review.pk).data_version == version + 1

    with pytest.raises(RuntimeError, match="rolled back"), transaction.atomic():
        review.internal_note_add(submission_id=in_review.pk, actor=reviewer, text="Two")
        raise RuntimeError("rolled back")
    assert Submission.objects.get(pk=in_review.pk).data_version == version + 1


def test_a_full_save_of_an_older_copy_still_gives_a_new_key(in_review, reviewer):
    older = Submission.objects.get(pk=in_review.pk)
    seen = older.fragment_version
    review.internal_note_add(submission_id=in_review.pk, actor=reviewer, text="Moves the version")
    older.save()  # writes the older data_version back, but moves updated_at

    assert Submission.objects.get(pk=in_review.pk).fragment_version != seen


def test_each_viewer_gets_their_own_finding_forms(client, in_review, reviewer, review_lead):
    sign_in(client, reviewer)
    assertContains(page(client, in_review), 'name="financial_risk-rationale"')

    sign_in(client, review_lead)
    lead_page = page(client, in_review).content.decode()
    assert 'name="financial_risk-rationale"' not in lead_page
    assert "No finding yet." in lead_page


def test_findings_sent_back_with_errors_are_never_cached(client, in_review, reviewer):
    sign_in(client, reviewer)
    page(client, in_review)
    url = reverse("determinations:review_findings_save", args=[in_review.pk])

    refused = client.post(
        url, {"financial_risk-finding": "not-a-finding", "financial_risk-rationale": "my unsaved words"}
    )

    assert refused.status_code == 400
    assertContains(refused, "my unsaved words", status_code=400)
    assert "my unsaved words" not in page(client, in_review).content.decode()


def test_a_recusal_ends_access_on_the_next_load(client, in_review, reviewer):
    sign_in(client, reviewer)
    page(client, in_review)

    assignment.conflict_declare(reviewer=reviewer, submission=in_review, reason="My brother runs the plan.")

    response = client.get(reverse("determinations:review_detail", args=[in_review.pk]))
    assert response.status_code == 403
    assertContains(response, "conflict of interest", status_code=403)


def test_no_cached_block_holds_a_csrf_token(client, in_review, reviewer):
    sign_in(client, reviewer)
    response = page(client, in_review)
    assert response.content.decode().count("csrfmiddlewaretoken") >= 3  # the page's own forms have theirs

    blocks = response.context["blocks"]
    assert blocks and not any("csrfmiddlewaretoken" in str(block) for block in blocks.values())


def decision_page(client, submission):
    response = client.get(reverse("determinations:review_decide", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_decision_page_follows_a_send_back_and_new_findings(client, in_review, reviewer, review_lead):
    recommended = steps.recommended(in_review, reviewer)
    sign_in(client, review_lead)
    before = decision_page(client, recommended)

    review.decision_make(submission_id=in_review.pk, actor=review_lead, decision="send_back", reason="Look again.")
    steps.findings_record(in_review, reviewer, overrides={"financial_risk": "does_not_meet"})
    steps.recommended(in_review, reviewer, recommendation="reject")
    after = decision_page(client, in_review)

    assert "recommended <strong>rejection</strong>" in after and "recommended <strong>approval</strong>" in before
    assert after.count("Does not meet") > before.count("Does not meet")
