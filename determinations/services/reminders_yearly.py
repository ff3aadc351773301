"""Yearly reminders to holders of approved determinations, when the coming year's window is open:

- **renewal**: approved for last year, and no request yet for the coming year: when the window
  opens and again the schedule's days before it closes (default 30);
- **multi-year confirmation**: a determination that covers the coming year too, whose holder has
  not yet sent the year's confirmation of changes (domain.md 3.4): when the window opens and the
  schedule's days before it closes.

Both are keyed (in the outbox) by the determination, recipient and occasion ("2028: 30d before
2027-06-01"), so each is queued once however often the sweep runs; the composers look again at
sending time and send nothing to those who have since started the request or sent the confirmation.
Determinations applied from a payer's (to linked clinicians' requests) are left to the payer.
"""

import datetime
import re

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import member_emails_by_organization
from determinations.choices import RequesterKind
from determinations.models import (
    Determination,
    DeterminationOutcome,
    ReminderKind,
    ReminderSchedule,
    Submission,
    SubmissionWindow,
    YearlyConfirmation,
)
from determinations.services.confirmations import confirmation_window
from determinations.states import SubmissionStatus
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue_many
from qppportal.dates import date_text

OCCASION = re.compile(r"^(?P<year>\d{4}): ")


def window_occasion(window: SubmissionWindow, offsets: list[int], now) -> str:
    """The nearest reminder due for ``window``: days before it closes once the first offset is
    reached, else its opening."""
    closes = timezone.localtime(window.closes_at).date()
    due = [offset for offset in offsets if window.closes_at - now <= datetime.timedelta(days=offset)]
    year = window.performance_year.year
    if due:
        return f"{year}: {min(due)}d before {closes:%Y-%m-%d}"
    return f"{year}: window opened {timezone.localtime(window.opens_at):%Y-%m-%d}"


def occasion_year(occasion: str) -> int:
    return int(OCCASION.match(occasion)["year"])


def _open_windows(now):
    return SubmissionWindow.objects.filter(opens_at__lte=now, closes_at__gt=now, is_demonstration=False).select_related(
        "performance_year"
    )


def _held(window: SubmissionWindow):
    """Current approvals of the window's process and payer type, made on their own request."""
    return Determination.objects.filter(
        outcome=DeterminationOutcome.APPROVED,
        superseded_at__isnull=True,
        applied_from__isnull=True,
        submission__process=window.process,
        submission__payer_type=window.payer_type,
    )


def _request_for(year: int):
    """A request (not withdrawn) for the same arrangement and ``year`` by the determination's organization."""
    return Submission.objects.filter(
        arrangement_id=OuterRef("submission__arrangement_id"),
        organization_id=OuterRef("submission__organization_id"),
        performance_year__year=year,
    ).exclude(status=SubmissionStatus.WITHDRAWN)


def _queue(kind: str, rows: list[tuple[int, int, str]]) -> int:
    members = member_emails_by_organization(organization for _, organization, _ in rows)
    entries = [(pk, email, occasion) for pk, organization, occasion in rows for email in members[organization]]
    return messages_queue_many(kind=kind, object_type="determinations.determination", entries=entries)


# Renewal -----------------------------------------------------------------------------------------


def renewals_due(schedule: ReminderSchedule, now) -> int:
    rows = []
    for window in _open_windows(now):
        year = window.performance_year.year
        occasion = window_occasion(window, schedule.offsets, now)
        held = (
            _held(window)
            .filter(
                last_year=year - 1,
                submission__requester_kind__in=[RequesterKind.PAYER, RequesterKind.APM_ENTITY],
            )
            .exclude(Exists(_request_for(year)))
            .values_list("pk", "submission__organization_id")
        )
        rows += [(pk, organization, occasion) for pk, organization in held]
    return _queue(ReminderKind.RENEWAL_DUE, rows)


def _still_current(message) -> tuple[Determination, int]:
    """The determination a yearly reminder is about, and the year it is for; not due once reopened."""
    determination = Determination.objects.select_related("submission__arrangement").get(pk=message.object_id)
    if determination.superseded_at is not None:
        raise NotDue("The determination was reopened before the reminder was sent.")
    return determination, occasion_year(message.occasion)


@message_kind(ReminderKind.RENEWAL_DUE, label="Reminder: renew last year's approval")
def renewal_due_compose(message) -> Email:
    determination, year = _still_current(message)
    submission = determination.submission
    window = confirmation_window(determination, year)
    now = timezone.now()
    if window is None or not window.opens_at <= now < window.closes_at:
        raise NotDue(f"The {year} window is not open any more.")
    started = Submission.objects.filter(
        arrangement_id=submission.arrangement_id,
        organization_id=submission.organization_id,
        performance_year__year=year,
    ).exclude(status=SubmissionStatus.WITHDRAWN)
    if started.exists():
        raise NotDue(f"A request for {year} was started before the reminder was sent.")
    return _yearly_email(
        determination,
        year,
        window,
        path=reverse("determinations:submission_copy", args=[submission.pk]),
        what=f"request a determination for {year} for {submission.arrangement_name}",
        template="emails/reminder_renewal_due.txt",
    )


# Multi-year confirmation -------------------------------------------------------------------------


def confirmations_due(schedule: ReminderSchedule, now) -> int:
    rows = []
    for window in _open_windows(now):
        year = window.performance_year.year
        occasion = window_occasion(window, schedule.offsets, now)
        sent = YearlyConfirmation.objects.filter(determination_id=OuterRef("pk"), year=year, submitted_at__isnull=False)
        held = (
            _held(window)
            .filter(first_year__lt=year, last_year__gte=year)
            .exclude(Exists(sent))
            .values_list("pk", "submission__organization_id")
        )
        rows += [(pk, organization, occasion) for pk, organization in held]
    return _queue(ReminderKind.CONFIRMATION_DUE, rows)


@message_kind(ReminderKind.CONFIRMATION_DUE, label="Reminder: confirm a multi-year determination for the year")
def confirmation_due_compose(message) -> Email:
    determination, year = _still_current(message)
    submission = determination.submission
    if determination.confirmations.filter(year=year, submitted_at__isnull=False).exists():
        raise NotDue(f"The confirmation for {year} was sent before the reminder was.")
    window = confirmation_window(determination, year)
    if window is None or window.closes_at <= timezone.now():
        raise NotDue(f"The {year} submission deadline passed before the reminder was sent.")
    return _yearly_email(
        determination,
        year,
        window,
        path=reverse("determinations:confirmation_changes", args=[submission.pk, year]),
        what=f"confirm {submission.arrangement_name} for {year} or report changes",
        template="emails/reminder_confirmation_due.txt",
    )


def _yearly_email(determination, year: int, window, *, path: str, what: str, template: str) -> Email:
    """A yearly reminder: what is due for ``year`` by the close of its ``window``, with a link to do it."""
    closes = timezone.localtime(window.closes_at)
    context = {
        "determination": determination,
        "submission": determination.submission,
        "year": year,
        "closes": closes,
        "url": settings.SITE_URL + path,
    }
    return Email(subject=f"Due {date_text(closes)}: {what}", body=render_to_string(template, context))
