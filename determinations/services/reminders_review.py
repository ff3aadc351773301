"""Reminders to CMS staff about their own work:

- **undecided**: a request still open the schedule's number of days (``after_days``, default 60)
  after it was submitted: to its reviewer and the review leads, once per request and setting;
- **weekly digest**: on the schedule's weekday, to each reviewer and lead with open requests
  assigned: each request, its status, when CMS aims to decide it, and what is overdue.

Outbox rows keyed by object, recipient and occasion, so each goes once; the composers look again
when they send (a request decided since, a reviewer with nothing left assigned, get nothing).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole, User
from determinations.models import ReminderKind, ReminderSchedule, Submission
from determinations.states import OPEN
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue_many
from qppportal.dates import date_text


def _leads() -> list[str]:
    return list(User.objects.filter(staff_role=StaffRole.REVIEW_LEAD, is_active=True).values_list("email", flat=True))


# Undecided ---------------------------------------------------------------------------------------


def requests_undecided(schedule: ReminderSchedule, now) -> int:
    waited = now - datetime.timedelta(days=schedule.after_days)
    undecided = Submission.objects.filter(status__in=OPEN, submitted_at__lte=waited).values_list(
        "pk", "assignee__email", "assignee__is_active"
    )
    leads = _leads()
    occasion = f"undecided {schedule.after_days} days"
    entries = []
    for pk, assignee, active in undecided:
        recipients = {*leads, *([assignee] if assignee and active else [])}
        entries += [(pk, email, occasion) for email in sorted(recipients)]
    return messages_queue_many(
        kind=ReminderKind.REVIEW_UNDECIDED, object_type="determinations.submission", entries=entries
    )


@message_kind(ReminderKind.REVIEW_UNDECIDED, label="Reminder: request undecided (to its reviewer and leads)")
def review_undecided_compose(message) -> Email:
    submission = Submission.objects.select_related("arrangement", "assignee").get(pk=message.object_id)
    if submission.status not in OPEN:
        raise NotDue(f"The request is {submission.get_status_display().lower()}: nothing is owed.")
    now = timezone.now()
    context = {
        "submission": submission,
        "waiting_days": (now - submission.submitted_at).days,
        "overdue": submission.review_due_at is not None and submission.review_due_at < now,
        "url": settings.SITE_URL + reverse("determinations:review_detail", args=[submission.pk]),
    }
    due = "no due date"
    if submission.review_due_at:
        due = f"due {date_text(submission.review_due_at)}"
    return Email(
        subject=f"Undecided for {context['waiting_days']} days ({due}): {submission.arrangement_name} "
        f"({submission.tracking_number})",
        body=render_to_string("emails/reminder_review_undecided.txt", context),
    )


# Weekly digest -----------------------------------------------------------------------------------


def _week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def reviewer_digests(schedule: ReminderSchedule, now) -> int:
    today = timezone.localdate(now)
    if today.weekday() != schedule.weekday:
        return 0
    reviewers = (
        User.objects.filter(
            Q(staff_role=StaffRole.REVIEWER) | Q(staff_role=StaffRole.REVIEW_LEAD),
            is_active=True,
            assigned_submissions__status__in=OPEN,
        )
        .distinct()
        .values_list("pk", "email")
    )
    occasion = f"week of {_week_of(today):%Y-%m-%d}"
    entries = [(pk, email, occasion) for pk, email in reviewers]
    return messages_queue_many(kind=ReminderKind.REVIEWER_DIGEST, object_type="accounts.user", entries=entries)


def digest_requests(reviewer: User, now) -> list[dict]:
    """The reviewer's open requests, soonest due first, each with whether it is overdue."""
    requests = (
        Submission.objects.filter(assignee=reviewer, status__in=OPEN)
        .select_related("arrangement")
        .prefetch_related("information_requests")
        .order_by("review_due_at", "submitted_at", "pk")
    )
    rows = []
    for submission in requests:
        question = next((q for q in submission.information_requests.all() if q.is_open), None)
        rows.append(
            {
                "submission": submission,
                "due": submission.review_due_at,
                "overdue": submission.review_due_at is not None and submission.review_due_at < now,
                "question_due": question.due_at if question else None,
                "url": settings.SITE_URL + reverse("determinations:review_detail", args=[submission.pk]),
            }
        )
    return rows


@message_kind(ReminderKind.REVIEWER_DIGEST, label="Weekly digest of a reviewer's requests")
def reviewer_digest_compose(message) -> Email:
    reviewer = User.objects.get(pk=message.object_id)
    now = timezone.now()
    if not reviewer.is_active:
        raise NotDue("The reviewer's account is inactive.")
    rows = digest_requests(reviewer, now)
    if not rows:
        raise NotDue("Nothing is assigned to this reviewer any more.")
    overdue = sum(row["overdue"] for row in rows)
    context = {
        "reviewer": reviewer,
        "rows": rows,
        "overdue": overdue,
        "week": message.occasion,
        "queue_url": settings.SITE_URL + reverse("accounts:reviewer_home"),
    }
    return Email(
        subject=f"Your requests this week: {len(rows)} open, {overdue} overdue",
        body=render_to_string("emails/reminder_reviewer_digest.txt", context),
    )
