"""Shared pieces of the review queue tests: the queue's addresses, requests dated for it, and its CSV read back.

Requests come from ``SubmissionFactory`` (through the services); the state changes under test
(assign, claim, conflict) go through the services too.
"""

import csv
import io
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationKind, StaffRole
from determinations.models import Submission, SubmissionEvent
from determinations.states import SubmissionStatus
from tests.factories import OrganizationFactory, SubmissionFactory, UserFactory
from tests.support import EASTERN

QUEUE_URL = reverse("accounts:reviewer_home")
WORKLOAD_URL = reverse("accounts:review_lead_home")
EXPORT_URL = reverse("determinations:review_queue_export")
ASSIGN_URL = reverse("determinations:review_assign")


def payer(name: str, payer_type: str = "other_payer"):
    return OrganizationFactory(name=name, kind=OrganizationKind.PAYER, payer_type=payer_type)


def apm_entity(name: str):
    return OrganizationFactory(name=name, kind=OrganizationKind.APM_ENTITY, payer_type="")


def another_reviewer(name: str = "Robin Reviewer"):
    return UserFactory(staff_role=StaffRole.REVIEWER, full_name=name)


# Every request here is built at this moment (inside the 2027 payer windows and the 2026 clinician
# window), so what a test then does is what happened after it.
BUILT_AT = datetime(2026, 1, 2, 12, 0, tzinfo=EASTERN)


def make_submission(
    organization,
    *,
    status: str = SubmissionStatus.SUBMITTED,
    precheck: str = "",
    submitted_days_ago: int = 10,
    due_in_days: int = 30,
    **fields,
) -> Submission:
    """One request in ``status`` made by ``SubmissionFactory``, then dated as the queue test needs.

    The factory builds it through the services at ``BUILT_AT``; the queue sorts and
    filters by how long ago it arrived, when its review is due and its pre-check outcome, so those
    are then set relative to today (the pre-check only when ``precheck`` asks for another outcome).
    """
    submission = SubmissionFactory(organization=organization, state=status, built_at=BUILT_AT, **fields)
    if status == SubmissionStatus.DRAFT:
        return submission
    now = timezone.now()
    dates = {
        "submitted_at": now - timedelta(days=submitted_days_ago),
        "review_due_at": now + timedelta(days=due_in_days),
    }
    Submission.objects.filter(pk=submission.pk).update(
        **dates, precheck_outcome=precheck or submission.precheck_outcome
    )
    submission.refresh_from_db()
    return submission


def events_since_built(submission, event_type=None) -> list[SubmissionEvent]:
    """The events of ``submission`` after it was built (what the test did), oldest first."""
    found = SubmissionEvent.objects.filter(submission=submission, at__gt=BUILT_AT).order_by("at", "pk")
    return list(found.filter(event_type=event_type) if event_type else found)


def make_many(count: int, organization, **fields) -> list[Submission]:
    return [make_submission(organization, **fields) for _ in range(count)]


def queue_url(**params) -> str:
    return f"{QUEUE_URL}?{urlencode(params)}" if params else QUEUE_URL


ROW_LINK = re.compile(r'<th scope="row" data-label="Request"><a class="usa-link text-no-wrap" href="[^"]+">([^<]+)</a>')


def tracking_numbers(response) -> list[str]:
    """The tracking numbers of the rows a queue page shows, in order (read from the page, which may be cached)."""
    return ROW_LINK.findall(response.content.decode())


def read_csv(response) -> list[list[str]]:
    """The rows of a queue export, after checking it is served as a CSV download."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="review-queue-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))
