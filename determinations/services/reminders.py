"""Reminders: who still owes something before a deadline, swept every hour, each sent exactly once.

``reminders_sweep`` reads the schedules (``ReminderSchedule`` rows a program admin edits) and
queues one outbox message per object, recipient and occasion (e.g. "7 days before the window of
2026-08-01 closes"). The outbox's unique key makes the sweep safe to run twice at once or again
later: a reminder already queued is not queued again. The composer looks again when it sends: a
draft submitted since, or a question answered since, gets no reminder.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole, User
from accounts.selectors import member_emails_by_organization
from determinations.models import (
    AllPayerQPStatus,
    AllPayerQPSubmission,
    InformationRequest,
    ReminderKind,
    ReminderSchedule,
    Submission,
)
from determinations.rules.business_days import add_business_days
from determinations.services.all_payer_qp import all_payer_qp_blocking_problems, step_url
from determinations.services.reminders_review import requests_undecided, reviewer_digests
from determinations.services.reminders_yearly import confirmations_due, renewals_due
from determinations.services.submission_completeness import submission_blocking_problems
from determinations.states import SubmissionStatus
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue_many
from qppportal.dates import date_text


def reminders_sweep(*, now=None) -> dict[str, int]:
    """Queue every reminder that is due now; returns how many were offered per kind."""
    now = now or timezone.now()
    schedules = {s.kind: s for s in ReminderSchedule.objects.filter(enabled=True)}
    sweeps = {
        ReminderKind.DRAFT_WINDOW_CLOSING: _drafts_in_closing_windows,
        ReminderKind.QUESTION_DUE: _questions_due,
        ReminderKind.REVIEW_UNASSIGNED: _requests_unassigned,
        ReminderKind.REVIEW_UNDECIDED: requests_undecided,
        ReminderKind.REVIEWER_DIGEST: reviewer_digests,
        ReminderKind.RENEWAL_DUE: renewals_due,
        ReminderKind.CONFIRMATION_DUE: confirmations_due,
        ReminderKind.ALL_PAYER_QP_DUE: _all_payer_qp_drafts_due,
    }
    return {kind: sweep(schedules[kind], now) for kind, sweep in sweeps.items() if kind in schedules}


def _soonest_offset(offsets: list[int], *, until: datetime.timedelta) -> int | None:
    """The smallest number of days before the deadline whose moment has come (None if none has)."""
    due = [offset for offset in offsets if until <= datetime.timedelta(days=offset)]
    return min(due) if due else None


# Drafts ------------------------------------------------------------------------------------------


def _drafts_closing(drafts, *, schedule: ReminderSchedule, now, kind: str, object_type: str) -> int:
    """Queue ``kind`` to the members of each of ``drafts`` (a queryset of drafts with a ``window``) whose
    window is open and closes within one of the schedule's offsets, once per offset and deadline."""
    offsets = schedule.offsets
    if not offsets:
        return 0
    rows = list(
        drafts.filter(
            window__closes_at__gt=now,
            window__closes_at__lte=now + datetime.timedelta(days=max(offsets)),
            window__opens_at__lte=now,
        ).values_list("pk", "organization_id", "window__closes_at")
    )
    members = member_emails_by_organization(organization for _, organization, _ in rows)
    entries = []
    for pk, organization_id, closes_at in rows:
        offset = _soonest_offset(offsets, until=closes_at - now)
        occasion = f"{offset}d before {timezone.localtime(closes_at):%Y-%m-%d}"
        entries += [(pk, email, occasion) for email in members[organization_id]]
    return messages_queue_many(kind=kind, object_type=object_type, entries=entries)


def _drafts_in_closing_windows(schedule: ReminderSchedule, now) -> int:
    return _drafts_closing(
        Submission.objects.filter(status=SubmissionStatus.DRAFT),
        schedule=schedule,
        now=now,
        kind=ReminderKind.DRAFT_WINDOW_CLOSING,
        object_type="determinations.submission",
    )


def _drafts_with_what_is_missing():
    """Drafts with what the completeness check reads (window, measures, participants, documents)."""
    return Submission.objects.select_related("window", "arrangement", "performance_year").prefetch_related(
        "measures", "apm_entities", "documents"
    )


def drafts_prefetch(object_ids: list[int]) -> dict[int, Submission]:
    """The drafts of a batch of reminders, read at once (five queries for the batch, none per reminder)."""
    return {submission.pk: submission for submission in _drafts_with_what_is_missing().filter(pk__in=object_ids)}


@message_kind(ReminderKind.DRAFT_WINDOW_CLOSING, label="Reminder: draft in a closing window", prefetch=drafts_prefetch)
def draft_window_closing_compose(message, *, about: Submission | None = None) -> Email:
    submission = about or _drafts_with_what_is_missing().get(pk=message.object_id)
    return _draft_due_email(
        submission,
        sent=submission.status != SubmissionStatus.DRAFT,
        sent_reason=f"The request is {submission.get_status_display().lower()}: nothing is owed.",
        problems=submission_blocking_problems,
        path=reverse("determinations:submission_review", args=[submission.pk]),
        what=f"submit your request for {submission.arrangement_name}",
        template="emails/reminder_draft_window_closing.txt",
    )


def _draft_due_email(
    submission, *, sent: bool, sent_reason: str, problems, path: str, what: str, template: str
) -> Email:
    """The reminder to finish a draft before its window closes, with what still blocks it; not due once the
    draft was sent (``sent``, saying ``sent_reason``) or its window closed."""
    now = timezone.now()
    if sent:
        raise NotDue(sent_reason)
    if submission.window.closes_at <= now:
        raise NotDue("The window closed before the reminder was sent.")
    closes = timezone.localtime(submission.window.closes_at)
    context = {
        "submission": submission,
        "closes": closes,
        "problems": problems(submission, now=now),
        "site": settings.SITE_URL,
        "url": settings.SITE_URL + path,
    }
    return Email(subject=f"Due {date_text(closes)}: {what}", body=render_to_string(template, context))


# All-Payer QP submissions --------------------------------------------------------------------------


def _all_payer_qp_drafts_due(schedule: ReminderSchedule, now) -> int:
    """Drafts of All-Payer QP submissions whose window (December 1) closes within an offset: their members."""
    return _drafts_closing(
        AllPayerQPSubmission.objects.filter(status=AllPayerQPStatus.DRAFT),
        schedule=schedule,
        now=now,
        kind=ReminderKind.ALL_PAYER_QP_DUE,
        object_type="determinations.allpayerqpsubmission",
    )


@message_kind(ReminderKind.ALL_PAYER_QP_DUE, label="Reminder: All-Payer QP draft due December 1")
def all_payer_qp_due_compose(message) -> Email:
    submission = AllPayerQPSubmission.objects.select_related("window", "performance_year", "organization").get(
        pk=message.object_id
    )
    return _draft_due_email(
        submission,
        sent=submission.status != AllPayerQPStatus.DRAFT,
        sent_reason="The All-Payer QP data were submitted: nothing is owed.",
        problems=all_payer_qp_blocking_problems,
        path=step_url(submission, "review"),
        what=f"submit your All-Payer QP data for {submission.performance_year.year}",
        template="emails/reminder_all_payer_qp_due.txt",
    )


# CMS questions -----------------------------------------------------------------------------------


def _questions_due(schedule: ReminderSchedule, now) -> int:
    today = timezone.localdate(now)
    offsets = schedule.offsets
    horizon = add_business_days(today, max(offsets)) if offsets else today
    questions = list(
        InformationRequest.objects.filter(
            responded_at__isnull=True,
            closed_at__isnull=True,
            submission__status=SubmissionStatus.INFORMATION_REQUESTED,
            due_at__date__lte=horizon + datetime.timedelta(days=1),
        ).values_list("pk", "submission__organization_id", "due_at")
    )
    members = member_emails_by_organization(organization for _, organization, _ in questions)
    entries = []
    for pk, organization_id, due_at in questions:
        due_day = timezone.localtime(due_at).date()
        if due_at < now:
            occasion = f"overdue {due_day:%Y-%m-%d}"
        else:
            reached = [offset for offset in offsets if add_business_days(today, offset) >= due_day]
            if not reached:
                continue
            occasion = f"{min(reached)} business days before {due_day:%Y-%m-%d}"
        entries += [(pk, email, occasion) for email in members[organization_id]]
    return messages_queue_many(
        kind=ReminderKind.QUESTION_DUE, object_type="determinations.informationrequest", entries=entries
    )


@message_kind(ReminderKind.QUESTION_DUE, label="Reminder: CMS question due")
def question_due_compose(message) -> Email:
    request = InformationRequest.objects.select_related("submission__arrangement").get(pk=message.object_id)
    if not request.is_open:
        raise NotDue("The question was answered or closed before the reminder was sent.")
    if f"{timezone.localtime(request.due_at):%Y-%m-%d}" not in message.occasion:
        raise NotDue("The due date changed; reminders follow the new date.")
    submission = request.submission
    overdue = request.due_at < timezone.now()
    if overdue and not message.occasion.startswith("overdue"):
        raise NotDue("The due date passed before this reminder was sent; the overdue reminder says so.")
    context = {
        "submission": submission,
        "request": request,
        "overdue": overdue,
        "url": settings.SITE_URL + reverse("determinations:information_request_answer", args=[submission.pk]),
    }
    subject = "Overdue" if overdue else f"Due {date_text(request.due_at)}"
    return Email(
        subject=f"{subject}: answer CMS's question about {submission.arrangement_name} ({submission.tracking_number})",
        body=render_to_string("emails/reminder_question_due.txt", context),
    )


# Review leads ------------------------------------------------------------------------------------


def _requests_unassigned(schedule: ReminderSchedule, now) -> int:
    waited = now - datetime.timedelta(days=schedule.after_days)
    unassigned = list(
        Submission.objects.filter(
            Q(status=SubmissionStatus.SUBMITTED), assignee__isnull=True, submitted_at__lte=waited
        ).values_list("pk", flat=True)
    )
    leads = list(User.objects.filter(staff_role=StaffRole.REVIEW_LEAD, is_active=True).values_list("email", flat=True))
    occasion = f"unassigned {schedule.after_days} days"
    entries = [(pk, email, occasion) for pk in unassigned for email in leads]
    return messages_queue_many(
        kind=ReminderKind.REVIEW_UNASSIGNED, object_type="determinations.submission", entries=entries
    )


@message_kind(ReminderKind.REVIEW_UNASSIGNED, label="Reminder: request unassigned (to leads)")
def review_unassigned_compose(message) -> Email:
    submission = Submission.objects.select_related("arrangement").get(pk=message.object_id)
    if submission.status != SubmissionStatus.SUBMITTED or submission.assignee_id is not None:
        raise NotDue("The request was assigned before the reminder was sent.")
    context = {
        "submission": submission,
        "waiting_days": (timezone.now() - submission.submitted_at).days,
        "url": settings.SITE_URL + reverse("determinations:review_detail", args=[submission.pk]),
    }
    return Email(
        subject=f"Unassigned for {context['waiting_days']} days: {submission.arrangement_name} "
        f"({submission.tracking_number})",
        body=render_to_string("emails/reminder_review_unassigned.txt", context),
    )
