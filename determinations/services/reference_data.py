"""Loading the performance years and their submission windows from the reference data file.

``reference_data_load`` creates each year and window in the file that the database lacks, and
leaves existing rows alone, so figures a program admin corrected in the admin site survive every
``make run``. With ``overwrite=True`` (``load_reference_data --overwrite``) existing rows are
brought back to the file's figures instead; rows the file does not mention are never touched.
"""

import json
from pathlib import Path

from django.db import DatabaseError, transaction

from determinations.models import PerformanceYear, ReminderKind, ReminderSchedule, SubmissionWindow
from determinations.rules.inputs import RuleInputError
from determinations.rules.parameters import YearParameters, year_parameters_from_mapping

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "reference_data" / "performance_years.json"

# The reminder schedules every database starts with (days before, days after); program admins edit them.
DEFAULT_REMINDER_SCHEDULES = {
    ReminderKind.DRAFT_WINDOW_CLOSING: ("30,7,1", 0),
    ReminderKind.QUESTION_DUE: ("5,1", 0),
    ReminderKind.REVIEW_UNASSIGNED: ("", 5),
    ReminderKind.REVIEW_UNDECIDED: ("", 60),
    ReminderKind.REVIEWER_DIGEST: ("", 0),
    ReminderKind.RENEWAL_DUE: ("30", 0),
    ReminderKind.CONFIRMATION_DUE: ("30,7", 0),
    ReminderKind.ALL_PAYER_QP_DUE: ("30,7", 0),
}


def reference_records(path: Path = REFERENCE_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["performance_years"]


def reference_year_parameters(year: int, path: Path = REFERENCE_FILE) -> YearParameters | None:
    """The file's figures for ``year`` (validated), or ``None`` when the file has no such year."""
    record = next((r for r in reference_records(path) if r["year"] == year), None)
    return year_parameters_from_mapping(record) if record else None


@transaction.atomic
def reference_data_load(*, path: Path = REFERENCE_FILE, overwrite: bool = False) -> dict[str, int]:
    """Create the years and windows the database lacks (and, with ``overwrite``, update the rest)."""
    counts = dict.fromkeys(
        ["years_created", "years_updated", "years_kept", "windows_created", "windows_updated", "windows_kept"], 0
    )
    for record in reference_records(path):
        params = year_parameters_from_mapping(record)
        defaults = {
            name: getattr(params, name)
            for name in (f.name for f in PerformanceYear._meta.concrete_fields)
            if hasattr(params, name) and name not in ("id", "year")
        }
        first, second, third = params.snapshot_dates
        defaults.update(
            snapshot_1_date=first,
            snapshot_2_date=second,
            snapshot_3_date=third,
            provisional_fields=sorted(params.provisional_fields),
            notes=record.get("notes", ""),
        )
        upsert = PerformanceYear.objects.update_or_create if overwrite else PerformanceYear.objects.get_or_create
        year, created = upsert(year=params.year, defaults=defaults)
        counts["years_created" if created else "years_updated" if overwrite else "years_kept"] += 1
        for window in params.windows:
            upsert = SubmissionWindow.objects.update_or_create if overwrite else SubmissionWindow.objects.get_or_create
            _, created = upsert(
                performance_year=year,
                process=window.process,
                payer_type=window.payer_type,
                is_demonstration=False,
                defaults={
                    "opens_at": window.opens_at,
                    "closes_at": window.closes_at,
                    "is_provisional": window.provisional,
                },
            )
            counts["windows_created" if created else "windows_updated" if overwrite else "windows_kept"] += 1
    counts["reminder_schedules_created"] = reminder_schedules_ensure()
    return counts


def reminder_schedules_ensure() -> int:
    """Create the reminder schedules the database lacks; a schedule a program admin edited is kept as it is."""
    created = 0
    for kind, (days_before, after_days) in DEFAULT_REMINDER_SCHEDULES.items():
        _, made = ReminderSchedule.objects.get_or_create(
            kind=kind, defaults={"days_before": days_before, "after_days": after_days}
        )
        created += made
    return created


def year_parameters_for(year: int) -> tuple[YearParameters, str]:
    """The year's figures from the database, else from the reference file; says which it used.

    A database without the tables yet (not migrated) counts as empty, so the rules work anywhere.
    """
    try:
        row = PerformanceYear.objects.filter(year=year).first()
    except DatabaseError:
        row = None
    if row is not None:
        return row.to_rule_parameters(), "database"
    params = reference_year_parameters(year)
    if params is None:
        known = sorted(record["year"] for record in reference_records())
        raise RuleInputError("year", f"no figures for performance year {year}; known years are {known[0]}-{known[-1]}")
    return params, "reference file"
