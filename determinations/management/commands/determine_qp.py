"""``manage.py determine_qp``: QP determinations for one snapshot from a CSV, without the web.

Loads the file's participation records for the year and snapshot (replacing any already loaded),
runs the same batch as the program admin's page and writes one result per clinician. The layouts
of both files are in docs/qp.md.
"""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from determinations.models import PerformanceYear
from determinations.selectors.qp import result_rows
from determinations.services.qp_batch import qp_batch_run, qp_run_create
from determinations.services.qp_participation import participation_file_load
from qppportal.spreadsheets import SafeWriter

MAX_ERRORS_SHOWN = 100


class Command(BaseCommand):
    help = "Determine QP status for every clinician in a CSV of Medicare and other-payer figures (docs/qp.md)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The QP Performance Period, e.g. 2025.")
        parser.add_argument("--snapshot", type=int, required=True, choices=[1, 2, 3])
        parser.add_argument("--input", required=True, help="The participation CSV ('-' for standard input).")
        parser.add_argument("--output", required=True, help="Where to write the results CSV ('-' for standard output).")

    def handle(self, *args, year, snapshot, input, output, **options):
        performance_year = PerformanceYear.objects.filter(year=year).first()
        if performance_year is None:
            raise CommandError(f"No performance year {year}: run manage.py load_reference_data first.")
        shown = []

        def error(line, reason):
            if len(shown) < MAX_ERRORS_SHOWN:
                shown.append(f"line {line}: {reason}")

        source = sys.stdin if input == "-" else open(input, encoding="utf-8-sig", newline="")  # noqa: SIM115
        try:
            report = participation_file_load(
                lines=source, performance_year=performance_year, snapshot=snapshot, errors=error
            )
        except (UnicodeDecodeError, csv.Error) as problem:
            raise CommandError(f"{input} is not a UTF-8 CSV: {problem}") from None
        finally:
            if source is not sys.stdin:
                source.close()
        if not report.clean:
            more = report.error_count - len(shown)
            listing = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
            raise CommandError(f"{report.error_count} bad rows in {input}; nothing was loaded:\n{listing}")
        run = qp_run_create(performance_year=performance_year, snapshot=snapshot)
        run = qp_batch_run(run_id=run.pk)
        target = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            SafeWriter(target).writerows(result_rows(run))
        finally:
            if target is not sys.stdout:
                target.close()
        self.stderr.write(
            f"{report.rows_loaded} records, {run.clinicians} clinicians ({run.method}): {run.qp_count} QP, "
            f"{run.partial_qp_count} Partial QP, {run.none_count} not QP."
        )
