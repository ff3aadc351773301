"""The one way to add to a request's history: ``event_record``."""

from django.utils import timezone

from determinations.events import EventType, visibility_of
from determinations.models import Submission, SubmissionEvent


def event_record(
    submission: Submission,
    event_type: EventType,
    *,
    actor=None,
    at=None,
    reason: str = "",
    payload: dict | None = None,
    from_state: str = "",
    to_state: str = "",
) -> SubmissionEvent:
    """Append an event; who may see it follows from its type (``determinations.events.STAFF_ONLY``)."""
    return SubmissionEvent.objects.create(
        submission=submission,
        event_type=EventType(event_type),
        actor=actor,
        at=at or timezone.now(),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        payload=payload or {},
        visibility=visibility_of(event_type),
    )
