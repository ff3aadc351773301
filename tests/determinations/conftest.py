"""Fixtures for the determinations tests: an empty reference table for the tests of loading it."""

import pytest

from determinations.models import PerformanceYear, SubmissionWindow


@pytest.fixture
def without_reference_data(db):
    """An empty reference table (for the tests of loading it); the test's rollback brings it back."""
    SubmissionWindow.objects.all().delete()
    PerformanceYear.objects.all().delete()
