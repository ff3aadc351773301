"""Writes of All-Payer QP submissions (42 CFR 414.1440(e)-(g)): start, each step, submit, the receipt.

A submission starts in the year's All-Payer QP window (a ``SubmissionWindow`` row, December 1 of the
performance year by default), saves at every step like the request form, and is submitted with the
certification of someone authorized to bind the APM Entity, in one locked transaction that gives it
a tracking number and queues the receipt in the outbox. Submitted, it is read-only; the QP batch
reads its figures (``docs/qp.md``).
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, OrganizationKind
from determinations.choices import PayerType, WindowProcess
from determinations.forms.all_payer import SECTIONS, figures_problems
from determinations.models import (
    AllPayerQPArrangement,
    AllPayerQPFigures,
    AllPayerQPStatus,
    AllPayerQPSubmission,
    AllPayerQPTotals,
    SubmissionWindow,
)
from determinations.selectors.all_payer import all_payer_qp_determinations
from determinations.services.attestation import attestation_record
from determinations.services.notifications import members_emails
from determinations.services.submission_completeness import Problem, window_closed_problem
from determinations.services.tracking import TrackingNumberUnavailable, tracking_number_unused
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue
from qppportal.dates import date_text

RECEIPT = "all_payer_qp_receipt"
LATE = "CMS does not accept All-Payer QP data after December 1 of the performance year (42 CFR 414.1440(e))."


class AllPayerQPError(Exception):
    """A change that cannot be made; the message says why."""


class AllPayerQPRepeated(AllPayerQPError):
    """The submission was already submitted: nothing changed, nothing sent again."""


# Starting and saving ------------------------------------------------------------------------------


@transaction.atomic
def all_payer_qp_start(*, actor, organization: Organization, window: SubmissionWindow, now=None):
    """A draft in an open All-Payer QP window, its submitter and identifiers taken from the account."""
    now = now or timezone.now()
    if organization.kind == OrganizationKind.PAYER:
        raise AllPayerQPError("Payers do not submit All-Payer QP data; APM Entities, TINs and clinicians do.")
    if window.process != WindowProcess.ALL_PAYER_QP:
        raise AllPayerQPError("That window is not the All-Payer QP data window.")
    if not window.is_open(now):
        raise AllPayerQPError(f"The All-Payer QP window for {window.performance_year.year} is not open.")
    level = {OrganizationKind.APM_ENTITY: "entity", OrganizationKind.PRACTICE: "tin"}.get(organization.kind, "")
    submitter = {"submitter_name": actor.full_name, "submitter_email": actor.email}
    return AllPayerQPSubmission.objects.create(
        organization=organization,
        performance_year=window.performance_year,
        window=window,
        level=level,
        apm_entity_id=organization.apm_entity_identifier,
        tin=organization.tin,
        answers={"submitter": {k: v for k, v in submitter.items() if v}},
        created_by=actor,
    )


def _locked_draft(submission_id: int) -> AllPayerQPSubmission:
    submission = AllPayerQPSubmission.objects.select_for_update().get(pk=submission_id)
    if not submission.is_editable:
        raise AllPayerQPError("This All-Payer QP submission was submitted, so it can no longer be changed.")
    return submission


@transaction.atomic
def all_payer_qp_save_section(*, submission_id: int, actor, section: str, answers: dict, **columns) -> None:
    """One step's answers; ``columns`` are the answers kept on the row (the level and whom it names)."""
    submission = _locked_draft(submission_id)
    submission.answers = {**submission.answers, section: answers}
    for name, value in columns.items():
        setattr(submission, name, value)
    submission.save(update_fields=["answers", "updated_at", *columns])


@transaction.atomic
def all_payer_qp_arrangement_add(*, submission_id: int, actor, determination_id: int) -> AllPayerQPArrangement:
    """An Other Payer Advanced APM the submitter took part in: an approved determination for the year."""
    submission = _locked_draft(submission_id)
    determination = (
        all_payer_qp_determinations(year=submission.performance_year.year)
        .filter(pk=determination_id)
        .select_related("submission", "arrangement")
        .first()
    )
    if determination is None:
        raise AllPayerQPError(
            f"That arrangement is not an approved Other Payer Advanced APM for {submission.performance_year.year}."
        )
    if submission.arrangements.filter(determination=determination).exists():
        raise AllPayerQPError(f"{determination.submission.arrangement_name} is already on this submission.")
    return AllPayerQPArrangement.objects.create(
        submission=submission,
        determination=determination,
        name=determination.submission.arrangement_name,
        payer_name=determination.arrangement.payer_name,
        medicaid=determination.arrangement.payer_type == PayerType.MEDICAID,
    )


@transaction.atomic
def all_payer_qp_arrangement_remove(*, submission_id: int, actor, arrangement_id: int) -> None:
    submission = _locked_draft(submission_id)
    submission.arrangements.filter(pk=arrangement_id).delete()


@transaction.atomic
def all_payer_qp_figures_save(
    *, submission_id: int, actor, totals: dict[int, dict], figures: dict[tuple[int, int], dict]
) -> None:
    """Replace the submission's totals, given per snapshot, and its arrangements' figures, given per
    (arrangement, snapshot); a period left blank has none."""
    submission = _locked_draft(submission_id)
    arrangements = set(submission.arrangements.values_list("pk", flat=True))
    AllPayerQPTotals.objects.filter(submission=submission).delete()
    AllPayerQPTotals.objects.bulk_create(
        AllPayerQPTotals(submission=submission, snapshot=snapshot, **values)
        for snapshot, values in totals.items()
        if any(value is not None for value in values.values())
    )
    AllPayerQPFigures.objects.filter(arrangement__submission=submission).delete()
    AllPayerQPFigures.objects.bulk_create(
        AllPayerQPFigures(arrangement_id=arrangement_id, snapshot=snapshot, **values)
        for (arrangement_id, snapshot), values in figures.items()
        if arrangement_id in arrangements and any(value is not None for value in values.values())
    )
    submission.save(update_fields=["updated_at"])


# What is missing ----------------------------------------------------------------------------------


def step_url(submission: AllPayerQPSubmission, step: str) -> str:
    if step in ("arrangements", "figures", "review"):
        return reverse(f"determinations:all_payer_qp_{step}", args=[submission.pk])
    return reverse("determinations:all_payer_qp_section", args=[submission.pk, step])


def all_payer_qp_missing(submission: AllPayerQPSubmission) -> list[Problem]:
    """What the steps still need, each linked to the question that answers it."""
    problems = []
    for section in SECTIONS:
        form = section(submission=submission)
        for field, question in form.missing(submission.section(section.key)):
            url = f"{step_url(submission, section.key)}#id_{field}"
            problems.append(Problem(section.key, section.title, f"Missing: {question}", url))
    arrangements = list(submission.arrangements.prefetch_related("figures"))
    if not arrangements:
        url = step_url(submission, "arrangements") + "#id_q"
        message = "Missing: at least one Other Payer Advanced APM you took part in"
        problems.append(Problem("arrangements", "Arrangements", message, url))
    for arrangement, message in figures_problems(submission.totals.all(), arrangements):
        url = f"{step_url(submission, 'figures')}#arrangement-{arrangement.pk}"
        problems.append(Problem("figures", "Payments and patients", message, url))
    return problems


def all_payer_qp_blocking_problems(submission: AllPayerQPSubmission, *, now=None) -> list[Problem]:
    """Everything that stops submitting now: the window, then what is missing."""
    now = now or timezone.now()
    window = window_closed_problem(submission.window, now=now, url=step_url(submission, "review"), refusal=LATE)
    return ([window] if window else []) + all_payer_qp_missing(submission)


# Submitting ---------------------------------------------------------------------------------------


@transaction.atomic
def all_payer_qp_submit(*, submission_id: int, actor, name: str, title: str, text: str, now=None):
    """Certify and submit in one transaction with the row locked: a second click waits on the lock and
    is told it was already done; a closed window or a missing answer is refused with every reason."""
    now = now or timezone.now()
    submission = AllPayerQPSubmission.objects.select_for_update().select_related("window").get(pk=submission_id)
    if not submission.is_editable:
        raise AllPayerQPRepeated(
            f"Already submitted on {date_text(submission.submitted_at, time=True)} (tracking number "
            f"{submission.tracking_number}). Nothing was changed or sent again."
        )
    problems = all_payer_qp_blocking_problems(submission, now=now)
    if problems:
        raise AllPayerQPError(" ".join(problem.message for problem in problems))
    earlier = (
        AllPayerQPSubmission.objects.filter(
            performance_year_id=submission.performance_year_id,
            status=AllPayerQPStatus.SUBMITTED,
            level=submission.level,
            apm_entity_id=submission.apm_entity_id,
            tin=submission.tin,
            npi=submission.npi,
        )
        .values_list("tracking_number", flat=True)
        .first()
    )
    if earlier:
        raise AllPayerQPError(
            f"All-Payer QP data at this level for the same {submission.get_level_display()} were already "
            f"submitted for {submission.performance_year.year} (tracking number {earlier})."
        )
    submission.attestation = attestation_record(actor, name=name, title=title, text=text, at=now)
    try:
        submission.tracking_number = tracking_number_unused(
            year=submission.performance_year.year, process_code="AP", model=AllPayerQPSubmission
        )
    except TrackingNumberUnavailable as error:
        raise AllPayerQPError(str(error)) from None
    submission.status, submission.submitted_at = AllPayerQPStatus.SUBMITTED, now
    submission.save(update_fields=["attestation", "tracking_number", "status", "submitted_at", "updated_at"])
    messages_queue(kind=RECEIPT, about=submission, recipients=members_emails(submission))
    return submission


@message_kind(RECEIPT, label="Receipt of an All-Payer QP submission")
def all_payer_qp_receipt_compose(message) -> Email:
    submission = AllPayerQPSubmission.objects.select_related("performance_year").get(pk=message.object_id)
    if submission.status != AllPayerQPStatus.SUBMITTED:
        raise NotDue("The All-Payer QP submission has not been submitted.")
    context = {
        "submission": submission,
        "arrangements": submission.arrangements.all(),
        "url": settings.SITE_URL + reverse("determinations:all_payer_qp_detail", args=[submission.pk]),
    }
    return Email(
        subject=f"Received: All-Payer QP data for {submission.performance_year.year} ({submission.tracking_number})",
        body=render_to_string("emails/all_payer_qp_receipt.txt", context),
    )
