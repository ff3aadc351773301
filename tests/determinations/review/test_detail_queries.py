"""The staff detail page runs a fixed number of queries whatever the number of documents, events,
measures, questions, notes and determinations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from determinations.services import review
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory
from tests.factories import submissions as steps
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def build(payer, reviewer, review_lead, *, size: int, name: str):
    """A request with ``size`` documents, measures, notes and extra events, two answered questions
    (one with documents) and a reopened decision."""
    submission = SubmissionFactory(member=payer, name=name, document_count=size, measure_count=size)
    steps.review_started(submission, reviewer)
    for number in range(size):
        review.internal_note_add(submission_id=submission.pk, actor=reviewer, text=f"Note {number}")
    for round_ in range(2):
        question = review.information_request_ask(
            submission_id=submission.pk, actor=reviewer, question=f"Question {round_}", due_at=steps.due_in(10)
        )
        if round_:
            for number in range(size):
                steps.document_add(submission, payer, name=f"answer-{number}.pdf", information_request=question)
        review.information_request_answer(
            submission_id=submission.pk, actor=payer, information_request_id=question.pk, response="Answer"
        )
    steps.approved(submission, reviewer, review_lead)
    review.decision_reopen(submission_id=submission.pk, actor=review_lead, reason="Amended")
    return submission


def queries_for(client, submission) -> tuple[int, int]:
    """The queries of a load that renders the page's blocks, then of the next, which reads them from the cache."""
    url = reverse("determinations:review_detail", args=[submission.pk])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def warm_session(client, submission, reviewer):
    """Sign-in and session reads out of the way; the request's blocks are then made stale again."""
    queries_for(client, submission)
    review.internal_note_add(submission_id=submission.pk, actor=reviewer, text="Moves the data version")


@pytest.mark.parametrize("viewer", ["reviewer", "review_lead"])
def test_detail_page_query_count_is_fixed(
    client, reference_data, clock, media, payer, reviewer, review_lead, viewer, request
):
    small = build(payer, reviewer, review_lead, size=2, name="Small")
    large = build(payer, reviewer, review_lead, size=20, name="Large")
    assert large.documents.count() == 40 and large.events.count() > small.events.count() + 30
    sign_in(client, request.getfixturevalue(viewer))
    warm_session(client, small, reviewer)
    rendered, cached = queries_for(client, small)
    assert (rendered, cached) == queries_for(client, large)
    # A decided request's page is not kept whole (decision 0040): from the cached blocks, the row (with
    # the viewer's recusal and membership) and the jobs applying this Payer Initiated request's
    # determination (their progress moves without the request's version).
    assert cached == 2 < rendered


def test_detail_page_query_count_while_recording_findings(client, reference_data, clock, media, payer, reviewer):
    small = SubmissionFactory(
        member=payer, name="Small", document_count=2, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
    )
    large = SubmissionFactory(
        member=payer, name="Large", document_count=20, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
    )
    for submission in (small, large):
        steps.findings_record(submission, reviewer)
    sign_in(client, reviewer)
    warm_session(client, small, reviewer)
    rendered, cached = queries_for(client, small)
    assert (rendered, cached) == queries_for(client, large)
    assert cached == 0 < rendered  # the whole page from the cache (decision 0040)


def test_decision_page_query_count_is_fixed(client, reference_data, clock, payer, reviewer, review_lead):
    def recommended(name, size):
        submission = SubmissionFactory(
            member=payer, name=name, document_count=size, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
        )
        for number in range(size):
            review.internal_note_add(submission_id=submission.pk, actor=reviewer, text=f"Note {number}")
        return steps.recommended(submission, reviewer)

    small, large = recommended("Small", 2), recommended("Large", 20)
    sign_in(client, review_lead)

    def count(submission) -> tuple[int, int]:
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("determinations:review_decide", args=[submission.pk]))
            assert response.status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1]

    count(small)  # warm the session
    review.internal_note_add(submission_id=small.pk, actor=reviewer, text="Moves the data version")
    rendered, cached = count(small)
    assert (rendered, cached) == count(large)
    assert cached == 0 < rendered  # the whole page from the cache (decision 0040)
