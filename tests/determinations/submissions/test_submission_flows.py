"""Each process driven through the pages: payers, and APM Entities before and after the QP period."""

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from determinations.models import Submission, SubmissionEvent
from determinations.states import SubmissionStatus
from tests.support import sign_in as signed_in_client

from .flow import add_other_measure, answer_every_section, start_request, submit, upload, window

pytestmark = pytest.mark.django_db


def complete_and_submit(client, submission):
    answer_every_section(client, submission)
    assert add_other_measure(client, submission).status_code == 302
    assert upload(client, submission).status_code == 302
    return submit(client, submission)


def assert_submitted(response, submission):
    assert response.status_code == 302, response.content.decode()[:4000]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.tracking_number.startswith(f"OPA-{submission.performance_year.year}-")
    assert submission.submitted_at is not None
    assert SubmissionEvent.objects.filter(submission=submission, event_type="submit").count() == 1


@pytest.mark.parametrize(
    "payer_fixture,payer_type", [("medicaid_payer", "medicaid"), ("commercial_payer", "other_payer")]
)
def test_payer_submits_and_gets_a_receipt(
    request, client, reference_data, march_2026, django_capture_on_commit_callbacks, payer_fixture, payer_type
):
    user = request.getfixturevalue(payer_fixture)
    signed_in_client(client, user)
    submission = start_request(client, window(2027, "payer_initiated", payer_type))
    assert submission.process == "payer_initiated" and submission.payer_type == payer_type
    with django_capture_on_commit_callbacks(execute=True):
        response = complete_and_submit(client, submission)
    assert_submitted(response, submission)
    assert response["Location"] == reverse("determinations:submission_receipt", args=[submission.pk])
    receipt = client.get(response["Location"])
    assert submission.tracking_number in receipt.content.decode()
    assert len(mail.outbox) == 1
    assert submission.tracking_number in mail.outbox[0].subject
    assert user.email in mail.outbox[0].to


def test_apm_entity_files_medicaid_request_before_the_performance_period(
    client, reference_data, march_2026, apm_entity_user, django_capture_on_commit_callbacks
):
    signed_in_client(client, apm_entity_user)
    submission = start_request(
        client,
        window(2027, "clinician_initiated", "medicaid"),
        payer_name="State of Example Medicaid",
        payer_contact_name="Morgan Medicaid",
        payer_contact_email="morgan@medicaid.example",
    )
    assert (submission.process, submission.requester_kind) == ("clinician_initiated", "apm_entity")
    assert submission.arrangement.payer_name == "State of Example Medicaid"
    with django_capture_on_commit_callbacks(execute=True):
        assert_submitted(complete_and_submit(client, submission), submission)
    assert submission.submitted_at.year == 2026 and submission.performance_year.year == 2027


def test_apm_entity_files_commercial_request_after_the_performance_period(
    client, reference_data, october_2026, apm_entity_user, django_capture_on_commit_callbacks
):
    signed_in_client(client, apm_entity_user)
    submission = start_request(
        client, window(2026, "clinician_initiated", "other_payer"), payer_name="Example Commercial Insurer"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert_submitted(complete_and_submit(client, submission), submission)
    assert submission.submitted_at.date() > submission.performance_year.qp_period_end


def test_submitted_request_is_read_only(client, reference_data, march_2026, commercial_payer):
    signed_in_client(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    assert_submitted(complete_and_submit(client, submission), submission)
    before = Submission.objects.get(pk=submission.pk).answers
    response = client.post(
        reverse("determinations:submission_section", args=[submission.pk, "contact"]),
        {"submitter_name": "Someone Else", "save": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("determinations:submission_detail", args=[submission.pk])
    # The last message (the session still holds those of the steps before).
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert message.startswith("This request was submitted on ")
    assert f"(tracking number {submission.tracking_number}), so it can no longer be changed." in message
    assert Submission.objects.get(pk=submission.pk).answers == before
    assert upload(client, submission).status_code == 302
    assert submission.documents.count() == 1


def test_late_submission_is_refused_and_the_draft_is_kept(client, reference_data, commercial_payer):
    with time_machine.travel("2026-05-20 10:00 -0400", tick=True):
        signed_in_client(client, commercial_payer)
        submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
        answer_every_section(client, submission)
        add_other_measure(client, submission)
    saved_answers = Submission.objects.get(pk=submission.pk).answers
    with time_machine.travel("2026-06-02 09:00 -0400", tick=True):
        signed_in_client(client, commercial_payer)
        response = submit(client, submission)
    assert response.status_code == 400
    page = response.content.decode()
    assert "closed on June 1, 2026" in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.answers == saved_answers
    assert submission.measures.count() == 1


def test_missing_section_stops_submission_and_says_where(client, reference_data, march_2026, commercial_payer):
    signed_in_client(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    answer_every_section(client, submission, overrides={"financial_risk": {"risk_type": "", "risk_calculation": ""}})
    add_other_measure(client, submission)
    response = submit(client, submission)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Financial risk" in page and "Missing: Type of risk" in page
    assert reverse("determinations:submission_section", args=[submission.pk, "financial_risk"]) in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.answers["contact"]["submitter_name"] == "Jordan Submitter"


def test_bad_figures_are_refused_on_the_step_without_losing_other_answers(
    client, reference_data, march_2026, commercial_payer
):
    signed_in_client(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    answer_every_section(client, submission)
    response = client.post(
        reverse("determinations:submission_section", args=[submission.pk, "financial_risk"]),
        {"risk_type": "two_sided", "band_1_rate": "140", "expected_expenditures": "-5", "save": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a percentage of 100 or less." in page
    assert "Enter an amount of $0 or more." in page
    submission.refresh_from_db()
    assert submission.answers["financial_risk"]["marginal_risk_bands"] == [{"from_percent": "2", "rate_percent": "40"}]
