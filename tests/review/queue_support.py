"""Shared pieces of the review queue tests: requests in any state made straight in the database.

The queue only reads requests, so these tests build them row by row (fast) rather than through
the payer pages; the state changes under test (assign, claim, conflict) go through the services.
Import the fixtures into a test module with ``from tests.review.queue_support import *``-style
explicit imports (there is no ``tests/review/conftest.py`` on purpose).
"""

import itertools
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationKind, StaffRole
from determinations.models import Arrangement, PerformanceYear, Submission, SubmissionWindow
from determinations.states import SubmissionStatus
from tests.factories import OrganizationFactory, UserFactory

QUEUE_URL = reverse("accounts:reviewer_home")
WORKLOAD_URL = reverse("accounts:review_lead_home")
EXPORT_URL = reverse("determinations:review_queue_export")
ASSIGN_URL = reverse("determinations:review_assign")

_numbers = itertools.count(1)


@pytest.fixture
def queue_reference(db):
    """Performance years and their windows (the queue's year filter and each request's window)."""
    call_command("load_reference_data", verbosity=0)


def payer(name: str, payer_type: str = "other_payer"):
    return OrganizationFactory(name=name, kind=OrganizationKind.PAYER, payer_type=payer_type)


def apm_entity(name: str):
    return OrganizationFactory(name=name, kind=OrganizationKind.APM_ENTITY, payer_type="")


def another_reviewer(name: str = "Robin Reviewer"):
    return UserFactory(staff_role=StaffRole.REVIEWER, full_name=name)


def make_submission(
    organization,
    *,
    status: str = SubmissionStatus.SUBMITTED,
    year: int = 2027,
    process: str = "payer_initiated",
    payer_type: str | None = None,
    name: str = "",
    payer_name: str = "",
    assignee=None,
    precheck: str = "meets",
    submitted_days_ago: int = 10,
    due_in_days: int = 30,
    created_by=None,
) -> Submission:
    """One request as the queue sees it, with its tracking number and review due date."""
    number = next(_numbers)
    payer_type = payer_type or organization.payer_type or "other_payer"
    performance_year = PerformanceYear.objects.get(year=year)
    window = (
        SubmissionWindow.objects.filter(
            performance_year=performance_year, process=process, payer_type=payer_type
        ).first()
        or SubmissionWindow.objects.filter(performance_year=performance_year).first()
    )
    arrangement = Arrangement.objects.create(
        name=name or f"Arrangement {number}",
        payer_name=payer_name or organization.name,
        payer_type=payer_type,
    )
    now = timezone.now()
    draft = status == SubmissionStatus.DRAFT
    submission = Submission.objects.create(
        process=process,
        requester_kind="payer" if process == "payer_initiated" else "apm_entity",
        payer_type=payer_type,
        organization=organization,
        arrangement=arrangement,
        performance_year=performance_year,
        window=window,
        status=status,
        created_by=created_by or UserFactory(),
        submitted_at=None if draft else now - timedelta(days=submitted_days_ago),
        precheck_outcome="" if draft else precheck,
        review_due_at=None if draft else now + timedelta(days=due_in_days),
        assignee=assignee,
        assigned_at=now if assignee else None,
    )
    if not draft:
        prefix = "PI" if process == "payer_initiated" else "EC"
        submission.tracking_number = f"OPA-{year}-{prefix}-{submission.pk:06d}"
        submission.save(update_fields=["tracking_number"])
    return submission


def make_many(count: int, organization, **fields) -> list[Submission]:
    return [make_submission(organization, **fields) for _ in range(count)]


def queue_url(**params) -> str:
    return f"{QUEUE_URL}?{urlencode(params)}" if params else QUEUE_URL


def tracking_numbers(response) -> list[str]:
    """The tracking numbers of the rows a queue page shows, in order."""
    return [row.tracking_number for row in response.context["rows"]]
