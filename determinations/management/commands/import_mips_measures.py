"""``manage.py import_mips_measures``: load the MIPS quality measure list, by year.

manage.py import_mips_measures                       # every year qpp-measures-data holds
manage.py import_mips_measures --year 2022           # one of them
manage.py import_mips_measures --file measures-data.json --year 2027   # a newer year's file
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from determinations.services.measures import (
    MEASURES_FILE_NAME,
    MeasureDataError,
    measures_file_year,
    mips_measures_import,
)


class Command(BaseCommand):
    help = (
        "Import the MIPS quality measures (created, updated in place, or left unchanged; never duplicated). "
        "With no options, every year the qpp-measures-data package holds (settings.QPP_MEASURES_DATA_DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only this performance year (with --file: the file's year).")
        parser.add_argument(
            "--file",
            type=Path,
            help=f"A {MEASURES_FILE_NAME} file to import instead of the package's, e.g. for a newer year. "
            "Give --year unless the path shows it (…/2027/measures-data.json).",
        )

    def handle(self, *args, year=None, file=None, **options):
        years = None if year is None else [year]
        if file is not None:
            source = file
            if year is None and file.is_file() and measures_file_year(file) is None:
                raise CommandError(f"{file}: the year these measures are for is not in the path; add --year YYYY.")
        else:
            source = Path(settings.QPP_MEASURES_DATA_DIR)
            if not source.is_dir():
                raise CommandError(
                    f"{source}: no such folder. Install the qpp-measures-data package (npm ci), "
                    f"set QPP_MEASURES_DATA_DIR, or import a file with --file and --year."
                )
        try:
            summary = mips_measures_import(path_or_dir=source, years=years)
        except MeasureDataError as error:
            raise CommandError(str(error)) from error
        for year_import in summary.years:
            self.stdout.write(str(year_import))
