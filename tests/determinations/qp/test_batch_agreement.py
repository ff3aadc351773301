"""The set-based SQL batch and the reference rules (the streamed Python path) agree record for record."""

import pytest
from django.db import connection

from determinations.models import Determination
from determinations.services import qp_batch
from tests.support import skip_or_fail

from .support import random_records, random_submissions, results, run_batch
from .test_batch_medicaid import medicaid_apm_2026  # noqa: F401 (a fixture)

BARE = {f"E{n}" for n in range(12)}  # the APM Entities whose records carry no other-payer figures


def _approved(request):
    """An approved determination for the submissions to name (the arrangement's kind is on each row)."""
    request.getfixturevalue("medicaid_apm_2026")
    return Determination.objects.get()


def _require_postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("the set-based batch needs PostgreSQL (DATABASE_URL)")


@pytest.mark.parametrize(("year", "count"), [(2026, 10_000), (2025, 3_000), (2024, 3_000), (2018, 1_000)])
def test_sql_and_python_agree_on_random_records(years, year, count, request):
    _require_postgresql()
    if year == 2026:  # a Medicaid arrangement approved for the year, so some Medicaid figures count
        request.getfixturevalue("medicaid_apm_2026")
    random_records(years[year], count, seed=year)
    if year in (2026, 2024):  # and submitted All-Payer QP figures for some entities, TINs and clinicians
        random_submissions(years[year], Determination.objects.first() or _approved(request), seed=year)
    by_sql = results(run_batch(years[year], set_based=True))
    by_python = results(run_batch(years[year], set_based=False))
    assert len(by_sql) == len(by_python) > count // 3
    differing = [npi for npi in by_sql if by_sql[npi] != by_python[npi]]
    assert not differing, (by_sql[differing[0]], by_python[differing[0]])
    if year == 2026:  # the random data reach every kind of outcome
        assert {row["status"] for row in by_sql.values()} == {"qp", "partial_qp", "none"}
        bases = {"medicare_option", "all_payer", "no_all_payer_data", "below_medicare_minimum"}
        assert {row["basis"] for row in by_sql.values()} >= bases | {"below_all_payer_thresholds"}
        assert any(row["weighted"] for row in by_sql.values())
        assert not any(row["individual_fallback"] for row in by_sql.values())  # 2026 assesses everyone alone
    if year in (2026, 2024):  # records with no uploaded figures of their own got the submitted ones
        fed = [row for npi, row in by_sql.items() if row["apm_entity_id"] in BARE and row["all_payer_payment_score"]]
        assert len(fed) > 10
        assert {row["level"] for row in by_sql.values() if row["apm_entity_id"] in BARE} >= {"entity", "clinician"}
    if year in (2024, 2025):  # clinicians in several APM Entities none of which is a QP
        assert any(row["individual_fallback"] for row in by_sql.values())


def test_the_sql_in_parts_agrees_with_python(years, monkeypatch):
    """A snapshot split into parts (one determine stage each) gives every clinician the same result as
    the reference rules: a clinician's records all fall in one part, and the group totals cover them all."""
    _require_postgresql()
    monkeypatch.setattr(qp_batch, "PART_RECORDS", 700)
    random_records(years[2025], 3_000, seed=13)
    assert qp_batch.part_count(3_000, set_based=True) == 5
    by_sql = results(run_batch(years[2025], set_based=True))
    by_python = results(run_batch(years[2025], set_based=False))
    assert len(by_sql) == len(by_python) > 1_000
    differing = [npi for npi in by_sql if by_sql[npi] != by_python[npi]]
    assert not differing, (by_sql[differing[0]], by_python[differing[0]])
    assert any(row["participations"] > 1 for row in by_sql.values())
    assert any(row["individual_fallback"] for row in by_sql.values())


def test_the_sql_in_parts_with_submitted_figures_agrees_with_python(years, monkeypatch, request):
    """The records with the submitted All-Payer QP figures brought in are staged once per run, and every
    part reads them: split into parts, the SQL still agrees with the reference rules."""
    _require_postgresql()
    monkeypatch.setattr(qp_batch, "PART_RECORDS", 700)
    random_records(years[2024], 3_000, seed=24)
    random_submissions(years[2024], _approved(request), seed=24)
    by_sql = results(run_batch(years[2024], set_based=True))
    by_python = results(run_batch(years[2024], set_based=False))
    assert len(by_sql) == len(by_python) > 1_000
    differing = [npi for npi in by_sql if by_sql[npi] != by_python[npi]]
    assert not differing, (by_sql[differing[0]], by_python[differing[0]])
    fed = [row for row in by_sql.values() if row["apm_entity_id"] in BARE and row["all_payer_payment_score"]]
    assert len(fed) > 10
