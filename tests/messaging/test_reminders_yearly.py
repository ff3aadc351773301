"""Yearly reminders to holders of approvals when the coming year's window is open: renewal for those
approved for last year with no request yet, and the multi-year confirmation, which the holder sends
on a two-step form and CMS acknowledges. Each reminder once per occasion, only to who still owes."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from determinations.models import SubmissionEvent, SubmissionWindow, YearlyConfirmation
from determinations.services import confirmations, submissions
from determinations.services.reminders import reminders_sweep
from determinations.states import SubmissionStatus
from messaging.models import Message, MessageStatus
from messaging.services import messages_dispatch
from tests.factories import SubmissionFactory
from tests.support import EASTERN, sign_in

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=9):
    return time_machine.travel(datetime.datetime(year, month, day, hour, tzinfo=EASTERN), tick=False)


def occasions(kind):
    return list(Message.objects.filter(kind=kind).order_by("pk").values_list("occasion", flat=True))


@pytest.fixture
def approved_2027(reference_data, clock, commercial_payer, reviewer, review_lead):
    return SubmissionFactory(
        member=commercial_payer,
        name="One Year Program",
        state=SubmissionStatus.APPROVED,
        reviewer=reviewer,
        lead=review_lead,
    )


@pytest.fixture
def multi_year(reference_data, clock, commercial_payer, reviewer, review_lead):
    """Approved for 2027–2029: its holder confirms 2028 in the 2028 window (January 1 to June 1, 2027)."""
    return SubmissionFactory(
        member=commercial_payer,
        name="Three Year Program",
        years=3,
        state=SubmissionStatus.APPROVED,
        reviewer=reviewer,
        lead=review_lead,
    )


def test_last_years_approval_is_reminded_to_renew_when_the_window_opens_and_30_days_before_it_closes(
    approved_2027, commercial_payer
):
    with at(2026, 12, 20):
        assert reminders_sweep()["renewal_due"] == 0  # the 2028 window is not open yet
    with at(2027, 1, 4):
        reminders_sweep()
        reminders_sweep()
        messages_dispatch()
    [renewal] = [m for m in mail.outbox if "request a determination for 2028" in m.subject]
    assert renewal.to == [commercial_payer.email]
    assert renewal.subject == "Due June 1, 2027: request a determination for 2028 for One Year Program"
    assert f"/requests/{approved_2027.pk}/copy/" in renewal.body and "approved One Year Program" in renewal.body
    with at(2027, 4, 1):
        assert reminders_sweep()["renewal_due"] == 1  # offered again, queued once: nothing new
    with at(2027, 5, 3):
        reminders_sweep()
    assert occasions("renewal_due") == ["2028: window opened 2027-01-01", "2028: 30d before 2027-06-01"]


def test_a_holder_who_started_next_years_request_is_not_reminded(approved_2027, commercial_payer):
    with at(2027, 5, 3):
        reminders_sweep()  # queued; the holder starts the 2028 request before it is sent
        window = SubmissionWindow.objects.get(
            performance_year__year=2028, process="payer_initiated", payer_type="other_payer", is_demonstration=False
        )
        submissions.submission_copy_to_new_draft(source=approved_2027, actor=commercial_payer, window=window)
        messages_dispatch()
        assert Message.objects.get(kind="renewal_due").status == MessageStatus.NOT_DUE
        reminders_sweep()
    assert occasions("renewal_due") == ["2028: 30d before 2027-06-01"]
    assert not [m for m in mail.outbox if "request a determination for 2028" in m.subject]


def test_a_multi_year_holder_confirms_the_year_on_a_short_form_and_cms_acknowledges_it(
    client, multi_year, commercial_payer, review_lead, reviewer
):
    with at(2027, 1, 4):
        reminders_sweep()
        reminders_sweep()
        messages_dispatch()
        assert reminders_sweep()["renewal_due"] == 0  # it still covers 2028: no renewal
    reminder = next(m for m in mail.outbox if "confirm Three Year Program for 2028" in m.subject)
    assert reminder.subject.startswith("Due June 1, 2027:")
    url = reverse("determinations:confirmation_changes", args=[multi_year.pk, 2028])
    assert url in reminder.body

    with at(2027, 5, 26):
        sign_in(client, commercial_payer)
        detail = client.get(reverse("determinations:submission_detail", args=[multi_year.pk])).content.decode()
        assert "Confirm this arrangement for 2028 by June 1, 2027" in detail and url in detail
        response = client.post(url, {"changed": "True", "save": "1"})
        certify = reverse("determinations:confirmation_certify", args=[multi_year.pk, 2028])
        assert response.status_code == 302 and response["Location"] == certify
        page = client.get(certify).content.decode()
        assert "What changed" in page and "A description of each change" in page
        refused = client.post(certify, {"attester_name": "Jo", "attester_title": "CEO", "attests": "on"})
        assert refused.status_code == 409 and "Answer these first: What changed" in refused.content.decode()
        answers = {"changed": "True", "areas": ["financial_risk"], "changes": "Risk cap raised to 8%.", "save": "1"}
        client.post(url, answers)
        sent = client.post(certify, {"attester_name": "Jo", "attester_title": "CEO", "attests": "on"})
        assert sent.status_code == 302
        reminders_sweep()  # the 7-day reminder is not queued: the confirmation is in
        messages_dispatch()
    confirmation = YearlyConfirmation.objects.get()
    assert confirmation.reports_changes and confirmation.submitted_by == commercial_payer
    assert confirmation.attestation["name"] == "Jo"
    assert occasions("confirmation_due") == ["2028: window opened 2027-01-01"]
    assert SubmissionEvent.objects.filter(submission=multi_year, event_type="confirmation_submitted").exists()
    received = [m for m in mail.outbox if m.subject.startswith("Yearly confirmation for 2028 reports changes")]
    assert {m.to[0] for m in received} >= {review_lead.email} and "Risk cap raised to 8%." in received[0].body
    assert client.get(url).status_code == 302  # sent: the form is not offered again

    client.logout()
    sign_in(client, reviewer)
    review_page = client.get(reverse("determinations:review_detail", args=[multi_year.pk])).content.decode()
    assert "changes reported" in review_page and "Risk cap raised to 8%." in review_page
    acknowledge = reverse("determinations:confirmation_acknowledge", args=[multi_year.pk, confirmation.pk])
    client.post(acknowledge, {"note": "Re-evaluated: still meets the financial risk criterion."})
    again = client.post(acknowledge, {"note": ""}, follow=True)
    assert "It was already acknowledged by" in again.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.acknowledged_by == reviewer
    messages_dispatch()
    acknowledged = [m for m in mail.outbox if m.subject.startswith("CMS acknowledged your confirmation for 2028")]
    assert [m.to for m in acknowledged] == [[commercial_payer.email]] and "still meets" in acknowledged[0].body


def test_no_confirmation_is_asked_for_a_year_the_determination_does_not_cover(client, approved_2027, commercial_payer):
    with at(2027, 1, 4):
        assert reminders_sweep()["confirmation_due"] == 0
        with pytest.raises(confirmations.ConfirmationRefused, match="covers 2027–2027: no confirmation for 2028"):
            confirmations.confirmation_for(submission_id=approved_2027.pk, year=2028, actor=commercial_payer)
        sign_in(client, commercial_payer)
        url = reverse("determinations:confirmation_changes", args=[approved_2027.pk, 2028])
        response = client.get(url, follow=True)
    assert "no confirmation for 2028" in response.content.decode()
