"""Yearly confirmations of multi-year determinations: which are owed, saving the answers, sending
them certified, and CMS staff acknowledging them (domain.md 3.4).

A confirmation is owed for each year after the first that an approved, current determination
covers, from the day that year's submission window for the request's process and payer type
opens; it is due when that window closes. Sending and acknowledging are recorded as events on
the determined request, and each queues its e-mail in the outbox in the same transaction.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole, User
from determinations.events import EventType
from determinations.forms.confirmation import CONFIRMATION_TEXT, confirmation_missing
from determinations.models import Determination, DeterminationOutcome, SubmissionWindow, YearlyConfirmation
from determinations.permissions import is_member, is_reviewer
from determinations.services.events import event_record
from determinations.services.notifications import members_emails
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue
from qppportal.dates import date_text


class ConfirmationRefused(Exception):
    """The confirmation cannot be saved, sent or acknowledged now; the text says why."""


@dataclass(frozen=True)
class OwedConfirmation:
    determination: Determination
    year: int
    window: SubmissionWindow
    confirmation: YearlyConfirmation | None

    @property
    def sent(self) -> bool:
        return self.confirmation is not None and self.confirmation.is_submitted

    @property
    def url(self) -> str:
        return reverse("determinations:confirmation_changes", args=[self.determination.submission_id, self.year])


def confirmation_window(determination: Determination, year: int) -> SubmissionWindow | None:
    submission = determination.submission
    return SubmissionWindow.objects.filter(
        performance_year__year=year,
        process=submission.process,
        payer_type=submission.payer_type,
        is_demonstration=False,
    ).first()


def confirmation_problem(determination: Determination, year: int, *, now=None) -> str:
    """Why no confirmation is owed for ``year`` (empty when one is)."""
    now = now or timezone.now()
    if determination.outcome != DeterminationOutcome.APPROVED or determination.superseded_at is not None:
        return "This determination is not a current approval, so nothing is to be confirmed."
    if not determination.first_year < year <= determination.last_year:
        span = f"{determination.first_year}–{determination.last_year}"
        return f"The determination covers {span}: no confirmation for {year}."
    window = confirmation_window(determination, year)
    if window is None or window.opens_at > now:
        return f"The confirmation for {year} can be sent once that year's submission window opens."
    return ""


def confirmations_of(submission, *, now=None) -> list[OwedConfirmation]:
    """The confirmations the request's current approval asks for so far: sent or still owed."""
    now = now or timezone.now()
    determination = submission.determinations.filter(
        superseded_at__isnull=True, outcome=DeterminationOutcome.APPROVED
    ).first()
    if determination is None:
        return []
    sent = {c.year: c for c in determination.confirmations.select_related("submitted_by", "acknowledged_by")}
    owed = []
    for year in range(determination.first_year + 1, determination.last_year + 1):
        window = confirmation_window(determination, year)
        if window is not None and (window.opens_at <= now or year in sent):
            owed.append(OwedConfirmation(determination, year, window, sent.get(year)))
    return owed


def _determination(submission_id: int, *, lock: bool = False) -> Determination:
    determinations = Determination.objects.select_related("submission__organization", "submission__performance_year")
    if lock:
        determinations = determinations.select_for_update(of=("self",))
    determination = determinations.filter(submission_id=submission_id, superseded_at__isnull=True).first()
    if determination is None:
        raise ConfirmationRefused("This request has no current determination to confirm.")
    return determination


def confirmation_for(*, submission_id: int, year: int, actor, now=None) -> YearlyConfirmation:
    """The confirmation this member may fill in (unsaved until they save), or a refusal."""
    determination = _determination(submission_id)
    allowed = is_member(actor, determination.submission)
    if not allowed:
        raise ConfirmationRefused(allowed.message)
    problem = confirmation_problem(determination, year, now=now)
    if problem:
        raise ConfirmationRefused(problem)
    existing = determination.confirmations.filter(year=year).first()
    return existing or YearlyConfirmation(determination=determination, year=year)


def confirmation_save(*, submission_id: int, year: int, actor, answers: dict, now=None) -> YearlyConfirmation:
    with transaction.atomic():
        determination = _determination(submission_id, lock=True)
        confirmation = confirmation_for(submission_id=submission_id, year=year, actor=actor, now=now)
        if confirmation.is_submitted:
            raise ConfirmationRefused(_already_sent(confirmation))
        confirmation.determination = determination
        confirmation.answers = answers
        confirmation.save()
    return confirmation


def _already_sent(confirmation: YearlyConfirmation) -> str:
    when = date_text(confirmation.submitted_at)
    return f"The confirmation for {confirmation.year} was sent on {when} by {confirmation.submitted_by}."


def confirmation_submit(*, submission_id: int, year: int, actor, name: str, title: str, now=None) -> YearlyConfirmation:
    """Send the certified confirmation to CMS: recorded on the request, and CMS's reviewers told."""
    now = now or timezone.now()
    with transaction.atomic():
        _determination(submission_id, lock=True)
        confirmation = confirmation_for(submission_id=submission_id, year=year, actor=actor, now=now)
        if confirmation.is_submitted:
            if confirmation.submitted_by_id == actor.pk:
                return confirmation
            raise ConfirmationRefused(_already_sent(confirmation))
        if confirmation.pk is None:
            raise ConfirmationRefused("Answer whether the arrangement changed first.")
        missing = confirmation_missing(confirmation)
        if missing:
            raise ConfirmationRefused(f"Answer these first: {', '.join(missing)}.")
        confirmation.attestation = {"name": name, "title": title, "text": CONFIRMATION_TEXT, "at": now.isoformat()}
        confirmation.submitted_by, confirmation.submitted_at = actor, now
        confirmation.save(update_fields=["attestation", "submitted_by", "submitted_at", "updated_at"])
        submission = confirmation.determination.submission
        event_record(
            submission,
            EventType.CONFIRMATION_SUBMITTED,
            actor=actor,
            at=now,
            payload={"confirmation": confirmation.pk, "year": year, "changed": confirmation.reports_changes},
        )
        reviewers = set(
            User.objects.filter(staff_role=StaffRole.REVIEW_LEAD, is_active=True).values_list("email", flat=True)
        )
        if submission.assignee_id and submission.assignee.is_active:
            reviewers.add(submission.assignee.email)
        messages_queue(kind="confirmation_received", about=confirmation, recipients=reviewers)
    return confirmation


def confirmation_acknowledge(*, confirmation_id: int, actor, note: str = "", now=None) -> YearlyConfirmation:
    """CMS staff have read the confirmation; the holder is told, with the note."""
    now = now or timezone.now()
    with transaction.atomic():
        confirmation = (
            YearlyConfirmation.objects.select_for_update(of=("self",))
            .select_related("determination__submission", "acknowledged_by")
            .get(pk=confirmation_id)
        )
        allowed = is_reviewer(actor)
        if not allowed:
            raise ConfirmationRefused("Only CMS reviewers and review leads acknowledge confirmations.")
        if not confirmation.is_submitted:
            raise ConfirmationRefused("This confirmation has not been sent yet.")
        if confirmation.acknowledged_at is not None:
            when = date_text(confirmation.acknowledged_at)
            raise ConfirmationRefused(f"It was already acknowledged by {confirmation.acknowledged_by} on {when}.")
        confirmation.acknowledged_by, confirmation.acknowledged_at = actor, now
        confirmation.acknowledgement = note.strip()
        confirmation.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement", "updated_at"])
        submission = confirmation.determination.submission
        event_record(
            submission,
            EventType.CONFIRMATION_ACKNOWLEDGED,
            actor=actor,
            at=now,
            payload={"confirmation": confirmation.pk, "year": confirmation.year},
        )
        messages_queue(kind="confirmation_acknowledged", about=confirmation, recipients=members_emails(submission))
    return confirmation


# E-mail ------------------------------------------------------------------------------------------


def _confirmation(message) -> YearlyConfirmation:
    return YearlyConfirmation.objects.select_related(
        "determination__submission__arrangement", "submitted_by", "acknowledged_by"
    ).get(pk=message.object_id)


@message_kind("confirmation_received", label="Yearly confirmation received (to reviewers)")
def confirmation_received_compose(message) -> Email:
    confirmation = _confirmation(message)
    if confirmation.acknowledged_at is not None:
        raise NotDue("The confirmation was acknowledged before this was sent.")
    submission = confirmation.determination.submission
    context = {
        "confirmation": confirmation,
        "submission": submission,
        "url": settings.SITE_URL + reverse("determinations:review_detail", args=[submission.pk]) + "#confirmations",
    }
    what = "reports changes" if confirmation.reports_changes else "confirms nothing changed"
    return Email(
        subject=f"Yearly confirmation for {confirmation.year} {what}: {submission.arrangement_name} "
        f"({submission.tracking_number})",
        body=render_to_string("emails/confirmation_received.txt", context),
    )


@message_kind("confirmation_acknowledged", label="Yearly confirmation acknowledged")
def confirmation_acknowledged_compose(message) -> Email:
    confirmation = _confirmation(message)
    submission = confirmation.determination.submission
    context = {
        "confirmation": confirmation,
        "submission": submission,
        "url": settings.SITE_URL + reverse("determinations:submission_detail", args=[submission.pk]),
    }
    return Email(
        subject=f"CMS acknowledged your confirmation for {confirmation.year}: {submission.arrangement_name}",
        body=render_to_string("emails/confirmation_acknowledged.txt", context),
    )
