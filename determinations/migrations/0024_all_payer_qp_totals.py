"""The All-Payer QP totals move from each arrangement to the submission, stated once per snapshot period
(decision 0036). The totals already given, summed per submission and period (Medicaid arrangements'
apart), become its totals, so a submission already sent keeps the figures the batch read."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q, Sum

MONEY = {"blank": True, "decimal_places": 2, "max_digits": 14, "null": True}
COUNT = {"blank": True, "null": True}
SNAPSHOTS = [
    (1, "Snapshot 1 (January 1 - March 31)"),
    (2, "Snapshot 2 (January 1 - June 30)"),
    (3, "Snapshot 3 (January 1 - August 31)"),
]


def totals_from_arrangements(apps, schema_editor):
    figures = apps.get_model("determinations", "AllPayerQPFigures")
    totals = apps.get_model("determinations", "AllPayerQPTotals")
    other, medicaid = Q(arrangement__medicaid=False), Q(arrangement__medicaid=True)
    rows = (
        figures.objects.values("arrangement__submission_id", "snapshot")
        .annotate(
            other_payments=Sum("payment_denominator", filter=other),
            other_patients=Sum("patient_denominator", filter=other),
            medicaid_payments=Sum("payment_denominator", filter=medicaid),
            medicaid_patients=Sum("patient_denominator", filter=medicaid),
            excluded_payments=Sum("excluded_payments"),
            excluded_patients=Sum("excluded_patients"),
        )
        .order_by()
    )
    totals.objects.bulk_create(
        totals(submission_id=row.pop("arrangement__submission_id"), **row)
        for row in rows
        if any(
            value is not None for name, value in row.items() if name not in ("arrangement__submission_id", "snapshot")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("determinations", "0020_qp_results_without_run_constraint"),
    ]

    operations = [
        migrations.CreateModel(
            name="AllPayerQPTotals",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("snapshot", models.PositiveSmallIntegerField(choices=SNAPSHOTS)),
                (
                    "other_payments",
                    models.DecimalField(
                        verbose_name="payments in total from all other payers (not Medicare or Medicaid)", **MONEY
                    ),
                ),
                (
                    "other_patients",
                    models.PositiveBigIntegerField(
                        verbose_name="patients in total of all other payers (not Medicare or Medicaid)", **COUNT
                    ),
                ),
                ("medicaid_payments", models.DecimalField(verbose_name="Medicaid payments in total", **MONEY)),
                (
                    "medicaid_patients",
                    models.PositiveBigIntegerField(verbose_name="Medicaid patients in total", **COUNT),
                ),
                (
                    "excluded_payments",
                    models.DecimalField(verbose_name="excluded payments (DoD/TRICARE, VA)", **MONEY),
                ),
                (
                    "excluded_patients",
                    models.PositiveBigIntegerField(verbose_name="excluded patients (DoD/TRICARE, VA)", **COUNT),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="totals",
                        to="determinations.allpayerqpsubmission",
                    ),
                ),
            ],
            options={"ordering": ["snapshot"]},
        ),
        migrations.AddConstraint(
            model_name="allpayerqptotals",
            constraint=models.UniqueConstraint(fields=("submission", "snapshot"), name="all_payer_qp_totals_once"),
        ),
        migrations.RunPython(totals_from_arrangements, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="allpayerqpfigures", name="all_payer_qp_payment_numerator_within_total"),
        migrations.RemoveConstraint(model_name="allpayerqpfigures", name="all_payer_qp_patient_numerator_within_total"),
        migrations.RemoveField(model_name="allpayerqpfigures", name="excluded_patients"),
        migrations.RemoveField(model_name="allpayerqpfigures", name="excluded_payments"),
        migrations.RemoveField(model_name="allpayerqpfigures", name="patient_denominator"),
        migrations.RemoveField(model_name="allpayerqpfigures", name="payment_denominator"),
    ]
