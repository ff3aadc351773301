"""Whom a request, or a determination, covers: its APM Entities with their TINs and clinicians' NPIs."""

from determinations.models import ApmEntityParticipant, Determination, Submission
from determinations.rules.participants import EntityParticipants


def submission_participants(submission: Submission | int) -> list[EntityParticipants]:
    """The participant list of a request, in the order it was uploaded (two queries)."""
    return participants_of(ApmEntityParticipant.objects.filter(submission=submission).prefetch_related("clinicians"))


def participants_of(rows) -> list[EntityParticipants]:
    """APM Entity rows (with their clinicians prefetched) as the rules' participant entries."""
    return [
        EntityParticipants(
            name=row.name,
            tin=row.tin,
            entity_identifier=row.entity_identifier,
            npis=tuple(c.npi for c in row.clinicians.all()),
            uses_cehrt=row.uses_cehrt,
        )
        for row in rows
    ]


def determination_covers(determination: Determination) -> list[EntityParticipants]:
    """Who a determination covers: the participants of the request it decided, as they were submitted.

    The list is the submission's own rows, which cannot change once it is decided, so a later
    request for the same arrangement never changes whom an earlier decision covered.
    """
    return submission_participants(determination.submission_id)
