"""Reminders of the December 1 deadline: each once, only to the organizations whose draft is still unsubmitted."""

import datetime

import pytest

from accounts.models import OrganizationKind
from determinations.models import ReminderKind
from determinations.rules.calendar import EASTERN
from determinations.services.reminders import reminders_sweep
from messaging.kinds import KINDS, NotDue
from messaging.models import Message
from tests.factories import organization_member

from .support import complete_draft, submit

pytestmark = pytest.mark.django_db
NOVEMBER_20 = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=EASTERN)


def _reminders():
    return Message.objects.filter(kind=ReminderKind.ALL_PAYER_QP_DUE)


def test_a_draft_is_reminded_once_and_a_submitted_one_not_at_all(entity_member, commercial_2026):
    draft = complete_draft(entity_member, [commercial_2026])
    practice_member = organization_member(OrganizationKind.PRACTICE, name="Test Practice")
    submit(complete_draft(practice_member, [commercial_2026], level="tin", apm_entity_id="E2", tin="987654321",
                          tin_single_entity="True"), practice_member)  # fmt: skip

    assert reminders_sweep(now=NOVEMBER_20)[ReminderKind.ALL_PAYER_QP_DUE] == 1
    assert reminders_sweep(now=NOVEMBER_20 + datetime.timedelta(hours=1))[ReminderKind.ALL_PAYER_QP_DUE] == 1
    reminder = _reminders().get()  # the second sweep added nothing
    assert (reminder.object_id, reminder.recipient, reminder.occasion) == (
        draft.pk,
        entity_member.email,
        "30d before 2026-12-01",
    )
    email = KINDS[ReminderKind.ALL_PAYER_QP_DUE].compose(reminder)
    assert email.subject == "Due December 1, 2026: submit your All-Payer QP data for 2026"
    assert "414.1440(e)" in email.body

    # A week before the deadline comes the nearer reminder; once submitted, none is owed any more.
    reminders_sweep(now=datetime.datetime(2026, 11, 25, 9, 0, tzinfo=EASTERN))
    assert list(_reminders().order_by("pk").values_list("occasion", flat=True)) == [
        "30d before 2026-12-01",
        "7d before 2026-12-01",
    ]
    submit(draft, entity_member)
    with pytest.raises(NotDue, match="submitted"):
        KINDS[ReminderKind.ALL_PAYER_QP_DUE].compose(_reminders().last())


def test_nothing_is_due_long_before_the_deadline(entity_member, commercial_2026):
    complete_draft(entity_member, [commercial_2026])
    assert reminders_sweep(now=datetime.datetime(2026, 9, 1, tzinfo=EASTERN))[ReminderKind.ALL_PAYER_QP_DUE] == 0
