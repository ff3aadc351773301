"""Reminders to CMS staff: requests undecided past the number of days the program admin sets (to the
reviewer and leads), and each reviewer's weekly digest; once per occasion, only while owed."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from determinations.models import ReminderSchedule
from determinations.services.reminders import reminders_sweep
from determinations.states import SubmissionStatus
from messaging.models import Message, MessageStatus
from messaging.services import messages_dispatch
from tests.factories import SubmissionFactory, UserFactory
from tests.support import EASTERN, sign_in

pytestmark = pytest.mark.django_db


def at(month, day, hour=9):
    return time_machine.travel(datetime.datetime(2026, month, day, hour, tzinfo=EASTERN), tick=False)


@pytest.fixture
def in_review(reference_data, clock, commercial_payer, reviewer):
    """Submitted and assigned on March 16, 2026."""
    return SubmissionFactory(member=commercial_payer, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)


def test_a_request_undecided_past_the_set_days_is_reminded_to_its_reviewer_and_the_leads_once(
    client, in_review, reviewer, review_lead, program_admin
):
    with at(5, 14):
        assert reminders_sweep()["review_undecided"] == 0  # 58 days and 23 hours
    with at(5, 16):
        reminders_sweep()
        reminders_sweep()
        messages_dispatch()
    undecided = Message.objects.filter(kind="review_undecided")
    leads = set(User.objects.filter(staff_role="review_lead").values_list("email", flat=True))
    assert review_lead.email in leads  # and the lead the factory made to assign the request
    assert sorted(undecided.values_list("recipient", flat=True)) == sorted({reviewer.email, *leads})
    emails = [m for m in mail.outbox if m.subject.startswith("Undecided for 60 days")]
    assert len(emails) == undecided.count() and in_review.tracking_number in emails[0].subject
    assert reverse("determinations:review_detail", args=[in_review.pk]) in emails[0].body

    schedule = ReminderSchedule.objects.get(kind="review_undecided")
    sign_in(client, program_admin)
    url = reverse("admin:determinations_reminderschedule_change", args=[schedule.pk])
    response = client.post(url, {"enabled": "on", "days_before": "", "after_days": "90", "weekday": "0"})
    assert response.status_code == 302
    with at(6, 1):
        assert reminders_sweep()["review_undecided"] == 0
    assert undecided.count() == len(leads) + 1


def test_a_request_decided_after_the_reminder_was_queued_gets_none(in_review, reviewer, review_lead):
    with at(5, 16):
        reminders_sweep()
    in_review.status = SubmissionStatus.WITHDRAWN  # decided or withdrawn meanwhile: nothing owed
    in_review.save(update_fields=["status"])
    with at(5, 16, 10):
        messages_dispatch()
    assert set(Message.objects.filter(kind="review_undecided").values_list("status", flat=True)) == {
        MessageStatus.NOT_DUE
    }


def test_each_reviewer_gets_a_weekly_digest_of_their_requests_on_the_set_day(
    reference_data, clock, in_review, commercial_payer, reviewer
):
    idle = UserFactory(staff_role="reviewer")  # nothing assigned: no digest
    second = SubmissionFactory(
        member=commercial_payer, name="Second Program", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
    )
    with at(3, 22):  # a Sunday
        assert reminders_sweep()["reviewer_digest"] == 0
    with at(3, 23):  # Monday
        reminders_sweep()
        reminders_sweep()
        messages_dispatch()
    digests = Message.objects.filter(kind="reviewer_digest")
    assert list(digests.values_list("recipient", "occasion")) == [(reviewer.email, "week of 2026-03-23")]
    assert idle.email not in digests.values_list("recipient", flat=True)
    [digest] = [m for m in mail.outbox if m.subject.startswith("Your requests this week")]
    assert digest.subject == "Your requests this week: 2 open, 0 overdue"
    for request in (in_review, second):
        assert request.tracking_number in digest.body
        assert reverse("determinations:review_detail", args=[request.pk]) in digest.body
    assert "Decision due:" in digest.body
    with at(3, 30):
        reminders_sweep()
    assert digests.count() == 2  # the next week's


def test_a_reviewer_with_nothing_left_when_the_digest_is_sent_gets_none(in_review, reviewer):
    with at(3, 23):
        reminders_sweep()
    in_review.assignee = None
    in_review.save(update_fields=["assignee"])
    with at(3, 23, 10):
        messages_dispatch()
    assert Message.objects.get(kind="reviewer_digest").status == MessageStatus.NOT_DUE


def test_the_digest_goes_out_on_the_day_the_program_admin_sets(client, in_review, reviewer, program_admin):
    schedule = ReminderSchedule.objects.get(kind="reviewer_digest")
    sign_in(client, program_admin)
    url = reverse("admin:determinations_reminderschedule_change", args=[schedule.pk])
    assert 'name="weekday"' in client.get(url).content.decode()
    response = client.post(url, {"enabled": "on", "days_before": "", "after_days": "0", "weekday": "2"})
    assert response.status_code == 302
    with at(3, 23):  # Monday: not any more
        assert reminders_sweep()["reviewer_digest"] == 0
    with at(3, 25):  # Wednesday
        assert reminders_sweep()["reviewer_digest"] == 1
    assert Message.objects.get(kind="reviewer_digest").occasion == "week of 2026-03-23"
