"""Reminders as outbox rows: each owed reminder queued once however often the sweep runs, only to
those who still owe something when it is sent, on a schedule program admins edit."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from determinations.models import ReminderSchedule
from determinations.services import review
from determinations.services.reminders import reminders_sweep
from determinations.workflow import transition_apply
from messaging import services as message_services
from messaging.kinds import KINDS
from messaging.models import Message, MessageStatus
from messaging.services import messages_dispatch
from tests.factories import submissions as support
from tests.jobs.support import request_copies
from tests.support import EASTERN, sign_in

pytestmark = pytest.mark.django_db


def at(month, day, hour=9):
    return time_machine.travel(datetime.datetime(2026, month, day, hour, tzinfo=EASTERN), tick=False)


@pytest.fixture
def draft(reference_data, clock, media, payer):
    """Complete but not attested: the reminder says the attestation is missing. Its window closes June 1."""
    submission = support.complete_draft(payer)
    submission.attestation = {}
    submission.save(update_fields=["attestation"])
    assert submission.window.closes_at.astimezone(EASTERN).date() == datetime.date(2026, 6, 1)
    return submission


def reminders(kind="draft_window_closing"):
    return Message.objects.filter(kind=kind).order_by("pk")


def test_a_draft_is_reminded_30_7_and_1_days_before_its_window_closes_once_each(draft, payer, clock):
    with at(4, 21):
        assert reminders_sweep()["draft_window_closing"] == 0  # 41 days before: nothing yet
    with at(5, 3):
        reminders_sweep()
        reminders_sweep()
        assert list(reminders().values_list("occasion", flat=True)) == ["30d before 2026-06-01"]
        assert messages_dispatch().sent == 1
    reminder = mail.outbox[0]
    assert reminder.to == [payer.email] and reminder.subject.startswith("Due June 1, 2026: submit your request")
    assert "Missing: the attestation" in reminder.body
    assert f"/requests/{draft.pk}/" in reminder.body or str(draft.pk) in reminder.body
    with at(5, 26):
        reminders_sweep()
    with at(6, 1):
        reminders_sweep()
        reminders_sweep()
    assert list(reminders().values_list("occasion", flat=True)) == [
        "30d before 2026-06-01",
        "7d before 2026-06-01",
        "1d before 2026-06-01",
    ]


def test_a_draft_submitted_after_the_reminder_was_queued_gets_none(draft, payer, clock):
    with at(5, 31):
        reminders_sweep()
        draft.attestation = {"attested_at": "2026-05-31T09:00:00-04:00", "name": "J", "title": "D", "text": "I"}
        draft.save(update_fields=["attestation"])
        transition_apply(submission_id=draft.pk, name="submit", actor=payer)
        result = messages_dispatch()
    reminder = reminders().get()
    assert reminder.status == MessageStatus.NOT_DUE and "submitted" in reminder.last_error
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Received"]
    assert result.sent == 1


def test_a_program_admin_changes_the_schedule_without_a_deploy(client, draft, program_admin, clock):
    schedule = ReminderSchedule.objects.get(kind="draft_window_closing")
    with pytest.raises(ValidationError, match="whole numbers"):
        schedule.days_before = "thirty"
        schedule.full_clean()
    sign_in(client, program_admin)
    url = reverse("admin:determinations_reminderschedule_change", args=[schedule.pk])
    response = client.post(url, {"enabled": "on", "days_before": "10, 2", "after_days": "0"})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.offsets == [10, 2] and schedule.updated_by == program_admin
    with at(5, 3):
        assert reminders_sweep()["draft_window_closing"] == 0
    with at(5, 23):
        reminders_sweep()
    assert list(reminders().values_list("occasion", flat=True)) == ["10d before 2026-06-01"]


def test_cms_questions_are_reminded_5_and_1_business_days_before_and_when_overdue(
    reference_data, clock, media, payer, reviewer
):
    in_review = support.review_started(support.submitted_request(payer), reviewer)
    due = datetime.datetime(2026, 4, 6, 23, 59, 59, tzinfo=EASTERN)  # a Monday
    review.information_request_ask(submission_id=in_review.pk, actor=reviewer, question="Risk table?", due_at=due)
    for day in (3, 16, 27, 30, 31):  # March: too early until the 30th (5 business days before)
        with at(3, day):
            reminders_sweep()
            messages_dispatch()
    with at(4, 3):  # the Friday before: 1 business day
        reminders_sweep()
        messages_dispatch()
    with at(4, 7):
        reminders_sweep()
        reminders_sweep()
    assert list(reminders("question_due").values_list("occasion", flat=True)) == [
        "5 business days before 2026-04-06",
        "1 business days before 2026-04-06",
        "overdue 2026-04-06",
    ]
    with at(4, 7):
        messages_dispatch()
    subjects = [m.subject.split(":")[0] for m in mail.outbox if "answer CMS's question" in m.subject]
    assert subjects == ["Due April 6, 2026", "Due April 6, 2026", "Overdue"]


def test_leads_hear_of_requests_unassigned_too_long(reference_data, clock, media, payer, review_lead):
    submitted = support.submitted_request(payer)
    with at(3, 19):
        assert reminders_sweep()["review_unassigned"] == 0
    with at(3, 23):
        reminders_sweep()
        reminders_sweep()
        messages_dispatch()
    assert list(reminders("review_unassigned").values_list("recipient", flat=True)) == [review_lead.email]
    unassigned = [m for m in mail.outbox if m.subject.startswith("Unassigned for")]
    assert len(unassigned) == 1 and submitted.tracking_number in unassigned[0].subject


def test_a_batch_of_draft_reminders_says_what_each_says_alone_with_one_query_more_per_reminder(draft, payer, clock):
    """The dispatcher reads a batch's drafts at once; each reminder still lists its own draft's gaps
    (the copies have no participants or documents), and the only query per reminder is its stamp."""
    copies = request_copies(draft, 11)
    with at(5, 3):
        reminders_sweep()
        kind = KINDS["draft_window_closing"]
        alone = {m.object_id: kind.compose(m) for m in reminders()}  # each reads its own draft
        later = timezone.now() + datetime.timedelta(days=1)
        reminders().exclude(object_id__in=[draft.pk, *copies[:2]]).update(next_attempt_at=later)
        with CaptureQueriesContext(connection) as three:
            assert messages_dispatch().sent == 3
        reminders().filter(status=MessageStatus.PENDING).update(next_attempt_at=timezone.now())
        with CaptureQueriesContext(connection) as nine:
            assert messages_dispatch().sent == 9
    assert len(nine) - len(three) == 6
    sent = {m.object_id: (m.subject, m.body) for m in reminders()}
    assert sent == {pk: (email.subject, email.body) for pk, email in alone.items()}
    assert "Missing: the participant list" in sent[copies[0]][1]
    assert "Missing: the participant list" not in sent[draft.pk][1]


def test_reminders_claimed_by_a_dispatcher_that_died_are_sent_once_when_the_claim_runs_out(
    draft, payer, clock, settings
):
    with at(5, 3):
        reminders_sweep()
        now = timezone.now()
        assert len(message_services._claim(10, now=now)) == 1  # taken by a dispatcher whose worker was then killed
        assert messages_dispatch(now=now).handled == 0  # no other dispatcher sends it meanwhile
        claim_over = now + datetime.timedelta(seconds=settings.MESSAGES_CLAIM_SECONDS)
        assert messages_dispatch(now=claim_over).sent == 1
        assert messages_dispatch(now=claim_over).handled == 0
    assert len(mail.outbox) == 1 and reminders().get().status == MessageStatus.SENT
