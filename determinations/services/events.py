"""The one way to add to a request's history: ``event_record`` (one event) or ``events_record_many``
(a batch job's events, one insert). Both move the request's data version."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from determinations.dashboard import organizations_changed
from determinations.events import EventType, visibility_of
from determinations.models import Submission, SubmissionEvent
from determinations.page_cache import requests_changed
from determinations.selectors.review_queue import queue_changed


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


def event_record(submission: Submission, event_type: EventType, **fields) -> SubmissionEvent:
    """Append an event; ``fields`` are ``_event``'s (actor, at, reason, payload, from and to state), and who
    may see it follows from its type (``determinations.events.STAFF_ONLY``).

    Every change to a request's notes, documents, findings, questions, assignment or status records
    an event here, in the writer's transaction, so this is where the request's ``data_version``
    moves: its review page's cached fragments are keyed on it (``Submission.fragment_version``),
    and the bump commits or rolls back with the change itself. The review queue's cached counts and
    pages and the request's kept pages are dropped too, at once and again once it commits
    (``queue_changed``, ``requests_changed``), and, once it commits, the submitters' dashboards of the
    request's organization (``organizations_changed``).
    """
    event = _event(submission, event_type, **fields)
    _data_changed([submission])
    event.save()
    return event


def events_record_many(entries) -> list[SubmissionEvent]:
    """Append many events in one insert: ``entries`` are (submission, event type, fields as for ``event_record``)."""
    entries = list(entries)
    _data_changed([submission for submission, _, _ in entries])
    return SubmissionEvent.objects.bulk_create(
        [_event(submission, event_type, **fields) for submission, event_type, fields in entries], batch_size=1000
    )


def _data_changed(submissions) -> None:
    Submission.objects.filter(pk__in={s.pk for s in submissions}).update(data_version=F("data_version") + 1)
    queue_changed()
    requests_changed(s.pk for s in submissions)
    organization_ids = {s.organization_id for s in submissions}
    transaction.on_commit(lambda: organizations_changed(organization_ids))
