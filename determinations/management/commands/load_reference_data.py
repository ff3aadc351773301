"""``manage.py load_reference_data``: create or update the performance years and submission windows."""

from django.core.management.base import BaseCommand

from determinations.services.reference_data import reference_data_load


class Command(BaseCommand):
    help = (
        "Create or update the performance years (2017 to the next one whose windows are known) and their "
        "submission windows from "
        "determinations/reference_data/performance_years.json. Existing rows (and admin edits) are kept "
        "unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite", action="store_true", help="Put the file's figures back on years and windows that exist."
        )

    def handle(self, *args, overwrite=False, **options):
        counts = reference_data_load(overwrite=overwrite)
        self.stdout.write(
            self.style.SUCCESS(
                "Performance years: {years_created} created, {years_updated} updated, {years_kept} kept; "
                "submission windows: {windows_created} created, {windows_updated} updated, "
                "{windows_kept} kept; reminder schedules: {reminder_schedules_created} created.".format(**counts)
            )
        )
