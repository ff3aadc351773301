import pytest
from django.core.management import call_command

from determinations.models import PerformanceYear


@pytest.fixture
def years(db):
    """The reference performance years, loaded into the database, by year."""
    call_command("load_reference_data", verbosity=0)
    return {py.year: py for py in PerformanceYear.objects.all()}
