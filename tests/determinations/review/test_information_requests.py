"""Questions to the submitter: asked with a due date, answered with text and documents, what changed,
refused after the due date, flagged once when overdue, extended or closed by the reviewer."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from determinations.dashboard import organizations_changed
from determinations.forms.review import default_due_date
from determinations.models import Document, InformationRequest, Submission, SubmissionEvent
from determinations.rules.business_days import add_business_days, federal_holidays, is_business_day
from determinations.services import notifications, review
from determinations.states import SubmissionStatus
from determinations.workflow import TransitionRefused, TransitionRepeated
from messaging.services import messages_dispatch
from tests.determinations.submissions.flow import post_section, upload
from tests.factories import SubmissionFactory, UserFactory, organization_member
from tests.factories import submissions as steps
from tests.support import MARCH_2026, sign_in, skip_or_fail

pytestmark = pytest.mark.django_db


def ask(submission, reviewer, *, days=10, question="Send the contract's risk corridor table."):
    return review.information_request_ask(
        submission_id=submission.pk, actor=reviewer, question=question, due_at=steps.due_in(days)
    )


def answer(submission, question, member, text):
    return review.information_request_answer(
        submission_id=submission.pk, actor=member, information_request_id=question.pk, response=text
    )


def answer_url(submission):
    return reverse("determinations:information_request_answer", args=[submission.pk])


# --- Business days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,count,expected",
    [
        (datetime.date(2026, 3, 16), 15, datetime.date(2026, 4, 6)),  # three plain weeks
        (datetime.date(2026, 3, 20), 1, datetime.date(2026, 3, 23)),  # Friday to Monday
        (datetime.date(2026, 11, 20), 5, datetime.date(2026, 11, 30)),  # over Thanksgiving (Nov 26)
        (datetime.date(2026, 12, 23), 2, datetime.date(2026, 12, 28)),  # Christmas on a Friday
        (datetime.date(2026, 7, 2), 1, datetime.date(2026, 7, 6)),  # July 4 on a Saturday: Friday July 3 off
        (datetime.date(2026, 3, 16), 0, datetime.date(2026, 3, 16)),
    ],
)
def test_business_days_skip_weekends_and_federal_holidays(start, count, expected):
    assert add_business_days(start, count) == expected


def test_federal_holidays_as_observed():
    holidays = federal_holidays(2027)
    assert datetime.date(2027, 6, 18) in holidays  # Juneteenth on a Saturday: Friday
    assert datetime.date(2027, 12, 24) in holidays and datetime.date(2027, 12, 31) in holidays
    assert len(holidays) == 12  # the eleven, plus New Year's Day 2028 observed on December 31, 2027
    assert not is_business_day(datetime.date(2026, 1, 19))  # Martin Luther King, Jr. Day


def test_default_due_date_is_the_setting_in_business_days(settings):
    settings.INFORMATION_REQUEST_DUE_BUSINESS_DAYS = 15
    assert default_due_date(datetime.date(2026, 3, 16)) == datetime.date(2026, 4, 6)
    settings.INFORMATION_REQUEST_DUE_BUSINESS_DAYS = 5
    assert default_due_date(datetime.date(2026, 3, 16)) == datetime.date(2026, 3, 23)


# --- Asking ------------------------------------------------------------------------------------


def test_reviewer_asks_through_the_page_and_the_submitter_is_emailed(
    client, in_review, reviewer, payer, django_capture_on_commit_callbacks
):
    sign_in(client, reviewer)
    url = reverse("determinations:information_request_create", args=[in_review.pk])
    form_page = client.get(url).content.decode()
    assert 'value="2026-04-06"' in form_page  # 15 business days from March 16, 2026
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"question": "Which page caps the losses?", "due_date": "2026-04-06"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == SubmissionStatus.INFORMATION_REQUESTED
    question = InformationRequest.objects.get(submission=in_review)
    assert question.answers_before == in_review.answers and question.asked_by == reviewer
    assert timezone.localtime(question.due_at).isoformat().startswith("2026-04-06T23:59:59")
    questions = [m for m in mail.outbox if m.subject.startswith("CMS needs more information")]
    assert len(questions) == 1 and questions[0].to == [payer.email]
    assert "Which page caps the losses?" in questions[0].body and "April 6, 2026" in questions[0].body

    sign_in(client, payer)
    dashboard = client.get(reverse("accounts:organization_home")).content.decode()
    assert "Answer CMS's question" in dashboard and "Apr 6, 2026" in dashboard
    detail = client.get(reverse("determinations:submission_detail", args=[in_review.pk])).content.decode()
    assert "Which page caps the losses?" in detail and "CMS needs more information from you" in detail


def test_the_email_goes_once_even_if_queued_and_dispatched_again(in_review, reviewer):
    question = ask(in_review, reviewer)
    assert notifications.information_request_queue(question) == 0  # the transition queued it already
    assert messages_dispatch().sent == 2  # the receipt of the submission and the question
    assert messages_dispatch().sent == 0
    assert len([m for m in mail.outbox if m.subject.startswith("CMS needs more information")]) == 1


def test_a_past_due_date_or_empty_question_is_refused(client, in_review, reviewer):
    sign_in(client, reviewer)
    url = reverse("determinations:information_request_create", args=[in_review.pk])
    response = client.post(url, {"question": "", "due_date": "2026-03-01"})
    assert response.status_code == 400
    assert "Choose a date after today." in response.content.decode()
    with pytest.raises(TransitionRefused, match="The due date must be in the future"):
        review.information_request_ask(
            submission_id=in_review.pk, actor=reviewer, question="Q", due_at=steps.due_in(-1)
        )
    assert Submission.objects.get(pk=in_review.pk).status == SubmissionStatus.IN_REVIEW


def test_only_the_assignee_asks_and_only_during_review(in_review, submitted, reviewer, review_lead, payer):
    with pytest.raises(TransitionRefused, match="Only the reviewer assigned"):
        ask(in_review, review_lead)
    with pytest.raises(TransitionRefused, match="Only the reviewer assigned"):
        ask(in_review, payer)
    ask(in_review, reviewer)
    with pytest.raises(TransitionRepeated, match="Already done by you on"):  # a double click changes nothing
        ask(in_review, reviewer)
    assert InformationRequest.objects.count() == 1


# --- Answering ---------------------------------------------------------------------------------


def test_submitter_changes_answers_adds_documents_and_answers(
    client, in_review, reviewer, payer, django_capture_on_commit_callbacks
):
    question = ask(in_review, reviewer)
    original = Document.objects.get(submission=in_review)
    sign_in(client, payer)
    changed = {**steps.COMPLETE_ANSWERS["cehrt"], "requirement_citation": "Amendment 2, section 1"}
    assert post_section(client, in_review, "cehrt", changed).status_code == 302
    assert upload(client, in_review, name="amendment.pdf", section="cehrt").status_code == 302
    added = Document.objects.get(submission=in_review, original_name="amendment.pdf")
    assert added.information_request == question

    remove = "determinations:document_remove"
    assert client.post(reverse(remove, args=[in_review.pk, original.pk])).status_code == 403
    assert Document.objects.filter(pk=original.pk).exists()
    assert client.get(reverse("determinations:submission_review", args=[in_review.pk]))["Location"] == answer_url(
        in_review
    )

    page = client.get(answer_url(in_review)).content.decode()
    assert "Send the contract" in page and "amendment.pdf" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            answer_url(in_review), {"question": question.pk, "response": "See amendment 2, section 1."}
        )
    assert response.status_code == 302
    in_review.refresh_from_db()
    question.refresh_from_db()
    assert in_review.status == SubmissionStatus.IN_REVIEW
    assert question.response == "See amendment 2, section 1." and question.responded_by == payer
    assert in_review.answers["cehrt"]["requirement_citation"] == "Amendment 2, section 1"

    sign_in(client, reviewer)
    staff_page = client.get(reverse("determinations:review_detail", args=[in_review.pk])).content.decode()
    assert "What changed between the question and the answer" in staff_page
    assert "Contract section 4.2, page 12" in staff_page and "Amendment 2, section 1" in staff_page
    assert "amendment.pdf" in staff_page and "See amendment 2, section 1." in staff_page


def test_editing_is_closed_again_after_the_answer(client, in_review, reviewer, payer):
    answer(in_review, ask(in_review, reviewer), payer, "Done")
    sign_in(client, payer)
    response = post_section(client, in_review, "cehrt", {"requirement_citation": "Sneaky change"})
    assert response.status_code == 302 and response["Location"].endswith(f"/requests/{in_review.pk}/")
    assert Submission.objects.get(pk=in_review.pk).answers["cehrt"]["requirement_citation"] != "Sneaky change"


def test_an_answer_after_the_due_date_is_refused_with_a_clear_message(client, in_review, reviewer, payer):
    question = ask(in_review, reviewer, days=3)
    with time_machine.travel(MARCH_2026 + datetime.timedelta(days=5), tick=True):
        sign_in(client, payer)
        page = client.get(answer_url(in_review))
        assert page.status_code == 409
        assert "can no longer be sent here" in page.content.decode()
        response = client.post(answer_url(in_review), {"question": question.pk, "response": "Late answer"})
        assert response.status_code == 409
        with pytest.raises(TransitionRefused, match="The answer was due by .* Contact your CMS reviewer"):
            answer(in_review, question, payer, "Late answer")
    assert Submission.objects.get(pk=in_review.pk).status == SubmissionStatus.INFORMATION_REQUESTED
    assert InformationRequest.objects.get().response == ""


def test_an_empty_answer_or_another_organization_is_refused(client, in_review, reviewer, payer):
    question = ask(in_review, reviewer)
    stranger = organization_member("payer", "other_payer", "Another Payer")
    sign_in(client, stranger)
    assert client.get(answer_url(in_review)).status_code == 404  # like a request that does not exist
    with pytest.raises(TransitionRefused, match="Only members of the submitting organization"):
        answer(in_review, question, stranger, "Mine")
    sign_in(client, payer)
    assert client.post(answer_url(in_review), {"question": question.pk, "response": " "}).status_code == 400


def test_a_double_submitted_answer_is_recorded_once(in_review, reviewer, payer):
    question = ask(in_review, reviewer)
    answer(in_review, question, payer, "First")
    with pytest.raises(TransitionRepeated, match="Already done by you on .*: Information sent to CMS"):
        answer(in_review, question, payer, "First")
    assert SubmissionEvent.objects.filter(submission=in_review, event_type="respond").count() == 1


def test_an_answer_written_for_an_earlier_question_is_not_recorded_against_a_newer_one(
    client, in_review, reviewer, payer
):
    """A tab opened for CMS's first question, sent after a colleague answered it and CMS asked again."""
    first = ask(in_review, reviewer, question="Send the contract's risk corridor table.")
    sign_in(client, payer)
    assert f'name="question" value="{first.pk}"' in client.get(answer_url(in_review)).content.decode()
    answer(in_review, first, payer, "A colleague's answer.")
    second = ask(in_review, reviewer, question="Which page states the loss cap?")

    stale = client.post(answer_url(in_review), {"question": first.pk, "response": "The table is attached."})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "written for an earlier question" in page and "The table is attached." in page
    assert "Which page states the loss cap?" in page and f'name="question" value="{second.pk}"' in page
    second.refresh_from_db()
    assert second.responded_at is None and second.response == ""
    assert Submission.objects.get(pk=in_review.pk).status == SubmissionStatus.INFORMATION_REQUESTED

    sent = client.post(answer_url(in_review), {"question": second.pk, "response": "Page 7, section 3."})
    assert sent.status_code == 302
    second.refresh_from_db()
    assert second.response == "Page 7, section 3."


# --- Overdue, extended, closed -----------------------------------------------------------------


def test_overdue_questions_are_flagged_once_and_the_reviewer_is_emailed(in_review, reviewer, payer):
    question = ask(in_review, reviewer, days=2)
    later = steps.due_in(3)
    assert notifications.information_requests_flag_overdue(now=steps.due_in(1)) == 0
    assert notifications.information_requests_flag_overdue(now=later) == 1
    assert notifications.information_requests_flag_overdue(now=later) == 0
    question.refresh_from_db()
    assert question.overdue_flagged_at == later
    messages_dispatch()
    overdue_mail = [m for m in mail.outbox if "Unanswered past its due date" in m.subject]
    assert len(overdue_mail) == 1 and overdue_mail[0].to == [reviewer.email]
    event = SubmissionEvent.objects.get(event_type="information_request_overdue")
    assert event.visibility == "staff"


def test_the_staff_page_shows_an_overdue_question(client, in_review, reviewer):
    ask(in_review, reviewer, days=2)
    with time_machine.travel(MARCH_2026 + datetime.timedelta(days=4), tick=True):
        sign_in(client, reviewer)
        page = client.get(reverse("determinations:review_detail", args=[in_review.pk])).content.decode()
    assert "Your question is past its due date" in page and "Overdue: no answer yet." in page


def test_answered_questions_are_never_flagged(in_review, reviewer, payer):
    answer(in_review, ask(in_review, reviewer, days=2), payer, "Here")
    assert notifications.information_requests_flag_overdue(now=steps.due_in(5)) == 0


def test_extending_the_due_date_reopens_answering_and_emails_the_new_date(
    in_review, reviewer, payer, django_capture_on_commit_callbacks
):
    question = ask(in_review, reviewer, days=2)
    notifications.information_requests_flag_overdue(now=steps.due_in(3))
    new_due = steps.due_in(10)
    with django_capture_on_commit_callbacks(execute=True):
        review.information_request_extend(
            submission_id=in_review.pk, actor=reviewer, due_at=new_due, reason="Payer asked for a week"
        )
    question.refresh_from_db()
    assert question.due_at == new_due and question.overdue_flagged_at is None
    assert [m.to for m in mail.outbox if "CMS needs more information" in m.subject] == [[payer.email]]
    event = SubmissionEvent.objects.get(event_type="information_request_extended")
    assert event.reason == "Payer asked for a week" and event.visibility == "public"
    with pytest.raises(TransitionRefused, match="Say why"):
        review.information_request_extend(submission_id=in_review.pk, actor=reviewer, due_at=new_due, reason="")
    with pytest.raises(TransitionRefused, match="Only the reviewer assigned"):
        review.information_request_extend(
            submission_id=in_review.pk, actor=UserFactory(staff_role="reviewer"), due_at=new_due, reason="x"
        )


def test_the_reviewer_goes_on_without_an_answer_only_after_the_due_date(in_review, reviewer):
    question = ask(in_review, reviewer, days=2)
    with pytest.raises(TransitionRefused, match="The answer is not due until"):
        review.information_request_close(submission_id=in_review.pk, actor=reviewer, reason="No answer")
    with pytest.raises(TransitionRefused, match="Say why"):
        review.information_request_close(submission_id=in_review.pk, actor=reviewer, reason="", now=steps.due_in(3))
    review.information_request_close(
        submission_id=in_review.pk, actor=reviewer, reason="No answer came", now=steps.due_in(3)
    )
    question.refresh_from_db()
    assert question.closed_at is not None and not question.is_open
    assert Submission.objects.get(pk=in_review.pk).status == SubmissionStatus.IN_REVIEW


def test_dashboard_queries_do_not_grow_with_open_questions(client, reference_data, clock, media, payer, reviewer):
    def count():
        # The list is read afresh, as after any change to the organization's requests.
        organizations_changed([first.organization_id])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:organization_home")).status_code == 200
        return len(queries)

    first = SubmissionFactory(member=payer, name="First", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    ask(first, reviewer)
    sign_in(client, payer)
    count()  # the first request after signing in fills the signed-in cache
    few = count()
    for number in range(6):
        submission = SubmissionFactory(
            member=payer, name=f"Arrangement {number}", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
        )
        ask(submission, reviewer)
    count()  # the session may have left the tests' small local-memory cache meanwhile: read it again
    assert count() == few
    assert client.get(reverse("accounts:organization_home")).content.decode().count("Answer CMS's question") == 7


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_flag_and_email_each_question_once(reference_data, clock, media, payer, reviewer):
    if connection.vendor != "postgresql":
        skip_or_fail("Concurrent sweepers need PostgreSQL's SKIP LOCKED (set DATABASE_URL)")
    for number in range(6):
        submission = SubmissionFactory(
            member=payer, name=f"Arrangement {number}", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
        )
        ask(submission, reviewer, days=1)
    later = steps.due_in(2)
    barrier = threading.Barrier(2)
    counts = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            counts.append(notifications.information_requests_flag_overdue(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 6
    assert len([m for m in mail.outbox if "Unanswered past its due date" in m.subject]) == 6
    assert SubmissionEvent.objects.filter(event_type="information_request_overdue").count() == 6
    assert not InformationRequest.objects.filter(overdue_flagged_at__isnull=True).exists()
