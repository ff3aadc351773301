"""Writes for determination requests: start a draft, save a section, measures, copy to a new year."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationKind
from determinations.choices import Process, RequesterKind
from determinations.events import EventType
from determinations.models import (
    ApmEntityParticipant,
    Arrangement,
    ArrangementMeasure,
    ClinicianParticipant,
    MipsMeasure,
    Submission,
    SubmissionWindow,
)
from determinations.selectors.participants import submission_participants
from determinations.services.attestation import attestation_record
from determinations.services.events import event_record
from determinations.states import SubmissionStatus
from determinations.workflow import transition_apply


class SubmissionError(Exception):
    """A request for a change that cannot be made; the message says why."""


def submission_process_for(organization: Organization) -> tuple[str, str]:
    """Payers use the Payer Initiated process; APM Entities and practices the clinician process."""
    if organization.kind == OrganizationKind.PAYER:
        return Process.PAYER_INITIATED, RequesterKind.PAYER
    if organization.kind == OrganizationKind.APM_ENTITY:
        return Process.CLINICIAN_INITIATED, RequesterKind.APM_ENTITY
    return Process.CLINICIAN_INITIATED, RequesterKind.ELIGIBLE_CLINICIAN


@transaction.atomic
def submission_start(
    *,
    actor,
    organization: Organization,
    window: SubmissionWindow,
    arrangement_name: str,
    years_requested: int = 1,
    payer_name: str = "",
    payer_contact: dict | None = None,
    arrangement: Arrangement | None = None,
    now=None,
) -> Submission:
    """Open a draft request in an open window; the window fixes the process, payer type and first year."""
    now = now or timezone.now()
    process, requester_kind = submission_process_for(organization)
    if window.process != process:
        raise SubmissionError(
            f"{organization} files {Process(process).label} requests, not {window.get_process_display()}."
        )
    if process == Process.PAYER_INITIATED and window.payer_type != organization.payer_type:
        raise SubmissionError(f"That window is for {window.get_payer_type_display()} payers.")
    if not window.is_open(now):
        raise SubmissionError(f"The window for {window} is not open.")
    if process == Process.PAYER_INITIATED:
        payer_name = organization.name
    arrangement = arrangement or Arrangement.objects.create(
        name=arrangement_name,
        payer_name=payer_name,
        payer_type=window.payer_type,
        payer_organization=organization if process == Process.PAYER_INITIATED else None,
    )
    # The contact step starts from the account; the submitter changes what differs.
    from_account = {"submitter_name": actor.full_name, "submitter_email": actor.email}
    answers = {
        "contact": {
            **{k: v for k, v in from_account.items() if v},
            "payer_legal_name": payer_name,
            **(payer_contact or {}),
        },
        "arrangement": {"name": arrangement_name},
    }
    submission = Submission.objects.create(
        process=process,
        requester_kind=requester_kind,
        payer_type=window.payer_type,
        organization=organization,
        arrangement=arrangement,
        arrangement_name=arrangement_name,
        performance_year=window.performance_year,
        years_requested=years_requested,
        window=window,
        answers=answers,
        created_by=actor,
    )
    event_record(submission, EventType.DRAFT_CREATED, actor=actor)
    return submission


def locked_draft(submission_id: int, *, answering_allowed: bool = True) -> Submission:
    """The row, locked, if it may change: a draft, or (``answering_allowed``) while answering CMS."""
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    editable = submission.is_editable if answering_allowed else submission.status == SubmissionStatus.DRAFT
    if not editable:
        raise SubmissionError("This request was submitted, so it can no longer be changed.")
    return submission


@transaction.atomic
def submission_save_section(
    *, submission_id: int, actor, section: str, answers: dict, years_requested: int | None = None
) -> Submission:
    """Store one section's answers in the draft (the other sections stay as they were).

    ``years_requested`` (the arrangement step's question) is kept on the row: the determination's
    years come from it. The arrangement's name is this request's own (``arrangement_name``): the
    shared ``Arrangement`` is never renamed, so a draft cannot change what CMS decided on another
    request for the same arrangement.
    """
    submission = locked_draft(submission_id)
    submission.answers = {**submission.answers, section: answers}
    fields = ["answers", "updated_at"]
    if years_requested is not None:
        submission.years_requested = years_requested
        fields.append("years_requested")
    if section == "arrangement" and answers.get("name"):
        submission.arrangement_name = answers["name"]
        fields.append("arrangement_name")
    submission.save(update_fields=fields)
    return submission


@transaction.atomic
def arrangement_measure_add(*, submission_id: int, actor, **fields) -> ArrangementMeasure:
    submission = locked_draft(submission_id)
    mips_measure = fields.get("mips_measure")
    if mips_measure is not None and submission.measures.filter(mips_measure=mips_measure).exists():
        raise SubmissionError(f"Measure {mips_measure.measure_id} is already on this request.")
    return ArrangementMeasure.objects.create(submission=submission, **fields)


@transaction.atomic
def arrangement_measure_remove(*, submission_id: int, actor, measure_id: int) -> None:
    submission = locked_draft(submission_id)
    submission.measures.filter(pk=measure_id).delete()


@transaction.atomic
def submission_copy_to_new_draft(*, source: Submission, actor, window: SubmissionWindow, now=None) -> Submission:
    """Start next year's request from an earlier one: its answers, participants and measures, not its documents.

    MIPS measures are matched to the new year's list by measure ID; one no longer on it stays on
    the request without a link, and the review step asks for another basis.
    """
    copy = submission_start(
        actor=actor,
        organization=source.organization,
        window=window,
        arrangement_name=source.arrangement_name,
        payer_name=source.arrangement.payer_name,
        arrangement=source.arrangement,
        now=now,
    )
    copy.answers = source.answers
    copy.copied_from = source
    copy.save(update_fields=["answers", "copied_from", "updated_at"])
    new_year_measures = {m.measure_id: m for m in MipsMeasure.objects.filter(year=window.performance_year.year)}
    for measure in source.measures.all():
        ArrangementMeasure.objects.create(
            submission=copy,
            mips_measure=new_year_measures.get(measure.measure_identifier) if measure.basis == "mips_list" else None,
            title=measure.title,
            measure_identifier=measure.measure_identifier,
            basis=measure.basis,
            cbe_id=measure.cbe_id,
            evidence_rationale=measure.evidence_rationale,
            is_outcome=measure.is_outcome,
            steward=measure.steward,
        )
    participants_write(copy, submission_participants(source))
    event_record(
        copy,
        EventType.COPIED_FROM,
        actor=actor,
        payload={"source": source.pk, "tracking_number": source.tracking_number or ""},
    )
    return copy


def participants_write(submission: Submission, entities) -> None:
    """Write ``entities`` as the (empty) participant list of ``submission``, in their order."""
    for position, entity in enumerate(entities):
        row = ApmEntityParticipant.objects.create(
            submission=submission,
            name=entity.name,
            tin=entity.tin,
            entity_identifier=entity.entity_identifier,
            uses_cehrt=entity.uses_cehrt,
            position=position,
        )
        ClinicianParticipant.objects.bulk_create(ClinicianParticipant(apm_entity=row, npi=npi) for npi in entity.npis)


@transaction.atomic
def submission_attest(*, submission_id: int, actor, name: str, title: str, text: str, now=None) -> Submission:
    """Record who attests, with the exact statement they agreed to."""
    submission = locked_draft(submission_id, answering_allowed=False)
    submission.attestation = attestation_record(actor, name=name, title=title, text=text, at=now or timezone.now())
    submission.save(update_fields=["attestation", "updated_at"])
    return submission


@transaction.atomic
def submission_submit(
    *, submission_id: int, actor, name: str, title: str, text: str, payload: dict | None = None, now=None
) -> Submission:
    """Attest and submit in one transaction, with the row locked throughout.

    Two clicks or tabs at once queue on the lock: the first submits; the second finds the request
    no longer a draft and gets the workflow's answer (``TransitionRepeated`` for the same person,
    saying when and under which tracking number; ``TransitionRefused`` for anyone else), never an
    error. A refused submit leaves the attestation as it was.
    """
    submission = Submission.objects.select_for_update(of=("self",)).get(pk=submission_id)
    if submission.status == SubmissionStatus.DRAFT:
        submission_attest(submission_id=submission_id, actor=actor, name=name, title=title, text=text, now=now)
    return transition_apply(submission_id=submission_id, name="submit", actor=actor, payload=payload, now=now)
