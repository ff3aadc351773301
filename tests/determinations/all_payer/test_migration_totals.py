"""Migration 0024 moves the totals from the arrangements to the submission: per submission and period, the
sum of its arrangements' totals (Medicaid's apart), so a submission already sent keeps what the batch read."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .support import complete_draft

BEFORE, AFTER = (
    ("determinations", "0020_qp_results_without_run_constraint"),
    ("determinations", "0024_all_payer_qp_totals"),
)


@pytest.mark.django_db(transaction=True)
def test_the_arrangements_totals_become_the_submissions(entity_member, commercial_2026, medicaid_2026):
    submission = complete_draft(entity_member, [commercial_2026, medicaid_2026])
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    for arrangement in old.get_model("determinations", "AllPayerQPArrangement").objects.filter(
        submission_id=submission.pk
    ):
        old.get_model("determinations", "AllPayerQPFigures").objects.filter(arrangement=arrangement).update(
            payment_denominator=Decimal("1200000") if arrangement.medicaid else Decimal("1000000"),
            patient_denominator=None if arrangement.medicaid else 40,
            excluded_payments=Decimal("150000"),
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = MigrationExecutor(connection).loader.project_state([AFTER]).apps
    totals = new.get_model("determinations", "AllPayerQPTotals").objects.get(submission_id=submission.pk)
    assert (totals.snapshot, totals.other_payments, totals.other_patients, totals.medicaid_payments) == (
        1,
        Decimal("1000000"),
        40,
        Decimal("1200000"),
    )
    assert (totals.medicaid_patients, totals.excluded_payments) == (None, Decimal("300000"))
