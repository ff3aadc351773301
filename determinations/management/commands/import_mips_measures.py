"""``manage.py import_mips_measures``: load the MIPS quality measure list, by year.

manage.py import_mips_measures                       # the npm package's years, then the shipped extract's
manage.py import_mips_measures --year 2022           # one of them
manage.py import_mips_measures --file measures-data.json --year 2028   # a newer year's file from CMS

Every run ends by saying which years are loaded and which performance years still have no list.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from determinations.selectors.reference import mips_measure_years_loaded, mips_measure_years_missing
from determinations.services.measures import (
    EXTRACT_DIR,
    MEASURES_FILE_NAME,
    MeasureDataError,
    measures_file_year,
    mips_measures_default_sources,
    mips_measures_import,
    mips_measures_import_sources,
)


def year_ranges(years: list[int]) -> str:
    """``[2017, 2018, 2019, 2023]`` as ``2017-2019, 2023``."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


class Command(BaseCommand):
    help = (
        "Import the MIPS quality measures (created, updated in place, or left unchanged; never duplicated). "
        "With no options, every year the qpp-measures-data package holds (settings.QPP_MEASURES_DATA_DIR) "
        "and, for later years, the extract of CMS's repository shipped in determinations/reference_data/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only this performance year (with --file: the file's year).")
        parser.add_argument(
            "--file",
            type=Path,
            help=f"A {MEASURES_FILE_NAME} file to import instead, e.g. CMS's file for a year not shipped. "
            "Give --year unless the path shows it (…/2028/measures-data.json).",
        )

    def handle(self, *args, year=None, file=None, **options):
        try:
            summary = self._import(file, year)
        except MeasureDataError as error:
            raise CommandError(str(error)) from error
        for year_import in summary.years:
            self.stdout.write(str(year_import))
        loaded, missing = mips_measure_years_loaded(), mips_measure_years_missing()
        self.stdout.write(self.style.SUCCESS(f"MIPS measure lists loaded for {year_ranges(loaded) or 'no year'}."))
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"No MIPS measure list for performance year {year_ranges(missing)}: searches offer the latest "
                    f"loaded list meanwhile. Load CMS's {MEASURES_FILE_NAME} for the year with "
                    f"manage.py import_mips_measures --file PATH --year YYYY."
                )
            )

    def _import(self, file, year):
        if file is not None:
            if year is None and file.is_file() and measures_file_year(file) is None:
                raise CommandError(f"{file}: the year these measures are for is not in the path; add --year YYYY.")
            return mips_measures_import(path_or_dir=file, years=None if year is None else [year])
        package = Path(settings.QPP_MEASURES_DATA_DIR)
        if not package.is_dir():
            self.stdout.write(
                self.style.WARNING(
                    f"{package}: no such folder (install the qpp-measures-data package with npm ci, or set "
                    f"QPP_MEASURES_DATA_DIR); importing only the shipped extract in {EXTRACT_DIR}."
                )
            )
        sources = mips_measures_default_sources(package_dir=package)
        if year is not None:
            if year not in sources:
                raise CommandError(
                    f"Neither the package nor the shipped extract holds {year} (they hold "
                    f"{year_ranges(list(sources))}). Import CMS's {MEASURES_FILE_NAME} with --file and --year."
                )
            sources = {year: sources[year]}
        return mips_measures_import_sources(sources)
