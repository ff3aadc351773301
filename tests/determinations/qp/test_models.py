"""The QP tables: one current run per year and snapshot, one result per clinician and run."""

import pytest
from django.db import IntegrityError, transaction

from determinations.models import PerformanceYear, QPDeterminationRun


@pytest.fixture
def year_2024(reference_data):
    return PerformanceYear.objects.get(year=2024)


def test_only_one_current_run_per_snapshot(year_2024):
    QPDeterminationRun.objects.create(performance_year=year_2024, snapshot=1, is_current=True)
    QPDeterminationRun.objects.create(performance_year=year_2024, snapshot=2, is_current=True)
    QPDeterminationRun.objects.create(performance_year=year_2024, snapshot=1, is_current=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        QPDeterminationRun.objects.create(performance_year=year_2024, snapshot=1, is_current=True)


def test_individual_level_follows_the_reference_data(year_2024):
    assert not year_2024.qp_individual_determination
    assert PerformanceYear.objects.get(year=2026).qp_individual_determination
    assert PerformanceYear.objects.get(year=2026).to_rule_parameters().qp_individual_determination
