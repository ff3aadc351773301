"""A request's history: one recorder, one list of event types, and a table the database keeps append-only."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from determinations.events import STAFF_ONLY, EventType, EventVisibility
from determinations.models import SubmissionEvent
from determinations.services.events import event_record
from determinations.workflow import TRANSITIONS


def _refused(action) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        action()
    return str(refused.value)


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_remove_an_event(submitted):
    event = submitted.events.get(event_type=EventType.SUBMIT)
    table = SubmissionEvent._meta.db_table
    attempts = [
        lambda: SubmissionEvent.objects.filter(pk=event.pk).update(reason="rewritten"),
        lambda: SubmissionEvent.objects.filter(pk=event.pk).delete(),
    ]
    for attempt in attempts:
        assert "append-only" in _refused(attempt)

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["rewritten", event.pk])

    assert "append-only" in _refused(raw_update)
    assert SubmissionEvent.objects.get(pk=event.pk).reason == event.reason


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_table_between_tests(submitted):
    assert SubmissionEvent.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not SubmissionEvent.objects.exists()


@pytest.mark.django_db
def test_the_recorder_takes_who_may_see_it_from_the_event_type(submitted, payer):
    staff = event_record(submitted, EventType.NOTE_ADDED, actor=payer, payload={"note": 1})
    public = event_record(submitted, EventType.DOCUMENT_UPLOADED, actor=payer, payload={"name": "contract.pdf"})
    assert (staff.visibility, public.visibility) == (EventVisibility.STAFF, EventVisibility.PUBLIC)
    assert public.label == "Document uploaded: contract.pdf"
    with pytest.raises(ValueError):
        event_record(submitted, "made_up", actor=payer)


def test_every_transition_is_an_event_type_with_its_label():
    assert set(TRANSITIONS) <= set(EventType)
    assert {name: t.label for name, t in TRANSITIONS.items()} == {name: EventType(name).label for name in TRANSITIONS}
    assert set(EventType) >= STAFF_ONLY
