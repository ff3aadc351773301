"""The one way to add to a request's history: ``event_record`` (one event) or ``events_record_many``
(a batch job's events, one insert)."""

from django.utils import timezone

from determinations.events import EventType, visibility_of
from determinations.models import Submission, SubmissionEvent


def _event(
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
    return SubmissionEvent(
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
    event = _event(
        submission,
        event_type,
        actor=actor,
        at=at,
        reason=reason,
        payload=payload,
        from_state=from_state,
        to_state=to_state,
    )
    event.save()
    return event


def events_record_many(entries) -> list[SubmissionEvent]:
    """Append many events in one insert: ``entries`` are (submission, event type, fields as for ``event_record``)."""
    return SubmissionEvent.objects.bulk_create(
        [_event(submission, event_type, **fields) for submission, event_type, fields in entries], batch_size=1000
    )
