import pytest

from determinations.models import PerformanceYear


@pytest.fixture
def years(reference_data):
    """The reference performance years (already in the test database), by year."""
    return {py.year: py for py in PerformanceYear.objects.all()}
