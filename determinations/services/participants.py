"""Writes of a request's evidence rows: its participant list and its per-criterion citations."""

from django.db import transaction

from determinations.events import EventType
from determinations.models import CriterionCitation, Document
from determinations.rules.participants import EntityParticipants, participant_counts
from determinations.services.events import event_record
from determinations.services.submissions import SubmissionError, locked_draft, participants_write


@transaction.atomic
def participants_replace(*, submission_id: int, actor, entities: tuple[EntityParticipants, ...]) -> None:
    """Replace the request's whole participant list with ``entities`` (a list read without errors)."""
    submission = locked_draft(submission_id)
    submission.apm_entities.all().delete()
    participants_write(submission, entities)
    counts = participant_counts(entities)
    event_record(
        submission,
        EventType.PARTICIPANTS_UPLOADED,
        actor=actor,
        payload={"apm_entities": counts.apm_entities, "clinicians": counts.clinicians},
    )


@transaction.atomic
def citation_add(*, submission_id: int, actor, criterion: str, document: Document, page: int, note: str = ""):
    submission = locked_draft(submission_id)
    if document.submission_id != submission.pk:
        raise SubmissionError("That document is not part of this request.")
    return CriterionCitation.objects.create(
        submission=submission, criterion=criterion, document=document, page=page, note=note
    )


@transaction.atomic
def citation_remove(*, submission_id: int, actor, citation_id: int) -> None:
    submission = locked_draft(submission_id)
    submission.citations.filter(pk=citation_id).delete()
