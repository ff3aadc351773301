"""Fixtures for the determinations tests: a payer in the 2027 window and its request, submitted or in review."""

import pytest

from accounts.models import OrganizationKind, StaffRole
from determinations.models import PerformanceYear, SubmissionWindow
from tests.factories import SubmissionFactory, UserFactory, organization_member
from tests.factories.submissions import review_started


@pytest.fixture
def without_reference_data(db):
    """An empty reference table (for the tests of loading it); the test's rollback brings it back."""
    SubmissionWindow.objects.all().delete()
    PerformanceYear.objects.all().delete()


@pytest.fixture
def media(settings, tmp_path):
    """A folder of this test's own for uploads and letters, for tests that look at the files."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def payer(db):
    return organization_member(OrganizationKind.PAYER, "other_payer", "Test Commercial Health Plan")


@pytest.fixture
def second_lead(db):
    return UserFactory(staff_role=StaffRole.REVIEW_LEAD, full_name="Second Lead")


@pytest.fixture
def submitted(reference_data, clock, media, payer):
    return SubmissionFactory(member=payer)


@pytest.fixture
def in_review(submitted, reviewer):
    return review_started(submitted, reviewer)
