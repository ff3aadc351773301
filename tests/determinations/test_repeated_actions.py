"""Refused and repeated actions say what already happened, and nothing a person sent is lost
(issue 9, finding 4): submits, answers and questions at once or from a stale tab, a second approval.

The races run real threads, each with its own database connection and test client, against
PostgreSQL's row locks; the stale tabs are the same person posting a page opened before the change.
"""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from determinations.models import Determination, InformationRequest, Submission, SubmissionEvent
from determinations.services import review
from determinations.states import SubmissionStatus
from determinations.workflow import TransitionRepeated
from tests.factories import SubmissionFactory
from tests.factories import submissions as steps
from tests.support import sign_in, skip_or_fail

QUESTION = "Which page of the contract caps the losses?"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def at_once(count: int, post) -> list:
    """``post(client)`` from ``count`` threads released together; each thread has its own client
    and database connection. Returns the responses (or the exception a thread met)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            client = Client()
            barrier.wait(timeout=20)
            results[index] = post(client)
        except Exception as error:  # a thread's error is the test's finding
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def requires_postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("Simultaneous requests need PostgreSQL's row locks (set DATABASE_URL)")


def attested_draft(payer) -> Submission:
    draft = SubmissionFactory(member=payer, state=SubmissionStatus.DRAFT)
    return steps.attested(draft, payer, measure_count=1, document_count=1)


def submit_post(client, submission):
    data = {"attester_name": "Jordan Submitter", "attester_title": "Director", "attests": "on"}
    return client.post(reverse("determinations:submission_review", args=[submission.pk]), data)


def answer_post(client, submission, text):
    """The answer form as the page shows it: for the latest question."""
    question = submission.information_requests.order_by("-asked_at", "-pk").first()
    url = reverse("determinations:information_request_answer", args=[submission.pk])
    return client.post(url, {"question": question.pk, "response": text})


def ask_post(client, submission, question=QUESTION):
    url = reverse("determinations:information_request_create", args=[submission.pk])
    return client.post(url, {"question": question, "due_date": "2026-04-06"})


# --- At once (PostgreSQL) ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_three_submits_at_once_submit_once_and_each_says_what_happened(reference_data, clock, payer):
    requires_postgresql()
    draft = attested_draft(payer)

    def submit(client):
        sign_in(client, payer)
        return submit_post(client, draft)

    responses = at_once(3, submit)

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert [r.status_code for r in responses] == [302, 302, 302]
    submission = Submission.objects.get(pk=draft.pk)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert SubmissionEvent.objects.filter(submission=submission, event_type="submit").count() == 1
    said = [messages_of(r) for r in responses]
    assert sum("Your request was submitted to CMS" in m[0] for m in said) == 1, said
    for others in [m for m in said if "Your request was submitted to CMS" not in m[0]]:
        assert submission.tracking_number in others[0] and "submitted" in others[0].lower(), said


@pytest.mark.django_db(transaction=True)
def test_three_answers_at_once_keep_one_and_tell_the_others_their_text_was_not_sent(
    reference_data, clock, media, payer, reviewer
):
    requires_postgresql()
    submission = SubmissionFactory(member=payer, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    review.information_request_ask(
        submission_id=submission.pk, actor=reviewer, question=QUESTION, due_at=steps.due_in(10)
    )
    texts = [f"Answer number {n}: page {n + 3} of the contract." for n in range(3)]
    barrier_index = iter(range(3))
    lock = threading.Lock()

    def answer(client):
        with lock:
            text = texts[next(barrier_index)]
        sign_in(client, payer)
        return text, answer_post(client, submission, text)

    results = at_once(3, answer)

    assert not [r for r in results if isinstance(r, Exception)], results
    kept = InformationRequest.objects.get(submission=submission).response
    assert kept in texts
    assert SubmissionEvent.objects.filter(submission=submission, event_type="respond").count() == 1
    for text, response in results:
        if text == kept:
            assert response.status_code == 302 and "Your answer is sent to CMS" in messages_of(response)[0]
        else:
            page = response.content.decode()
            assert response.status_code == 409, page[:2000]
            assert "This question was already answered on" in page and "your text was not sent" in page
            assert text in page  # shown back, not dropped


# --- Stale tabs --------------------------------------------------------------------------------


@pytest.fixture
def asked(reference_data, clock, media, payer, reviewer):
    submission = SubmissionFactory(member=payer, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    review.information_request_ask(
        submission_id=submission.pk, actor=reviewer, question=QUESTION, due_at=steps.due_in(10)
    )
    return submission


@pytest.mark.django_db
def test_a_second_question_from_a_stale_tab_is_refused_and_kept_on_the_form(client, asked, reviewer):
    sign_in(client, reviewer)

    response = ask_post(client, asked, question="Also: who signs the risk corridor amendment?")

    page = response.content.decode()
    assert response.status_code == 409
    assert f"is still open: “{QUESTION}”" in page and "Your new question was not sent" in page
    assert "Also: who signs the risk corridor amendment?" in page
    assert InformationRequest.objects.filter(submission=asked).count() == 1


@pytest.mark.django_db
def test_the_same_question_again_says_it_was_already_sent(client, asked, reviewer):
    sign_in(client, reviewer)

    response = ask_post(client, asked)

    assert response.status_code == 409
    assert "Already done by you on" in response.content.decode()
    assert InformationRequest.objects.filter(submission=asked).count() == 1
    with pytest.raises(TransitionRepeated):
        review.information_request_ask(
            submission_id=asked.pk, actor=reviewer, question=QUESTION, due_at=steps.due_in(10)
        )


@pytest.mark.django_db
def test_a_different_answer_from_a_stale_tab_is_shown_back_not_dropped(client, asked, payer):
    sign_in(client, payer)
    assert answer_post(client, asked, "The cap is on page 12.").status_code == 302

    response = answer_post(client, asked, "Also see the amendment, page 3.")

    page = response.content.decode()
    assert response.status_code == 409
    assert "This question was already answered on" in page and "your text was not sent" in page
    assert "Also see the amendment, page 3." in page
    assert InformationRequest.objects.get(submission=asked).response == "The cap is on page 12."


@pytest.mark.django_db
def test_the_same_answer_again_says_it_was_already_sent(client, asked, payer):
    sign_in(client, payer)
    answer_post(client, asked, "The cap is on page 12.")

    response = answer_post(client, asked, "The cap is on page 12.")

    assert response.status_code == 302
    assert "Already done by you on" in messages_of(response)[-1]
    assert SubmissionEvent.objects.filter(submission=asked, event_type="respond").count() == 1


@pytest.mark.django_db
def test_a_lead_approving_again_from_a_second_tab_is_told_it_was_already_approved(
    client, reference_data, clock, media, payer, reviewer, review_lead
):
    submission = SubmissionFactory(member=payer, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    steps.recommended(submission, reviewer)
    url = reverse("determinations:review_decide", args=[submission.pk])
    sign_in(client, review_lead)
    client.get(url)  # both tabs open
    first = client.post(url, {"decision": "approve"}, follow=True)
    assert "Approved. The letter is being prepared" in first.content.decode()

    again = client.post(url, {"decision": "approve"})

    page = again.content.decode()
    assert again.status_code == 409
    assert "Already done by you on" in page and "Approved" in page and submission.tracking_number in page
    assert "The letter is being prepared" not in page + " ".join(messages_of(again))
    assert Determination.objects.filter(submission=submission).count() == 1


@pytest.mark.django_db
def test_submitting_again_from_a_stale_tab_names_the_tracking_number(client, reference_data, clock, media, payer):
    draft = attested_draft(payer)
    sign_in(client, payer)
    assert submit_post(client, draft).status_code == 302

    again = submit_post(client, draft)

    submission = Submission.objects.get(pk=draft.pk)
    assert again.status_code == 302
    assert f"(tracking number {submission.tracking_number})" in messages_of(again)[-1]
    assert SubmissionEvent.objects.filter(submission=submission, event_type="submit").count() == 1
