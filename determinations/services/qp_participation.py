"""Participation data in: a CSV of Medicare (and other-payer) figures per clinician, checked row by row.

The file is read as a stream: each good row goes straight into a staging table (PostgreSQL
``COPY``; batched inserts elsewhere) and each bad row into the error sink, so memory does not grow
with the file. Only a file with no bad row replaces the snapshot's records, in one transaction;
otherwise nothing is loaded and every bad row is reported with its line and reason. The layout is
documented column by column in ``docs/qp.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationKind
from determinations import tasks
from determinations.models import ParticipationRecord, ParticipationUpload, ParticipationUploadError
from determinations.rules.identifiers import county_fips_problem, npi_problem, tin_problem
from determinations.rules.qp_levels import Level

MONEY_LIMIT = Decimal("1e12")
COUNT_LIMIT = 10**12
METHODS = ("payment", "patient")
PARTS = ("medicare", "other", "medicaid")
FIGURE_COLUMNS = tuple(
    f"{part}_{method}_{end}" for part in PARTS for method in METHODS for end in ("numerator", "denominator")
)
COLUMNS = ("npi", "tin", "apm_entity_id", "affiliated_practitioner", "all_payer_level", *FIGURE_COLUMNS,
           "county_fips", "medicaid_specialty_eligible")  # fmt: skip
REQUIRED = ("npi", "tin", "apm_entity_id", *(c for c in FIGURE_COLUMNS if c.startswith("medicare_")))
TRUE, FALSE = {"y", "yes", "true", "1"}, {"", "n", "no", "false", "0"}
STAGING = "qp_participation_staging"
PROGRESS_EVERY = 50_000
ERROR_BATCH = 1000
INSERT_BATCH = 2000

ErrorSink = Callable[[int, str], None]


class RowError(ValueError):
    pass


@dataclass
class LoadReport:
    rows_read: int = 0
    rows_loaded: int = 0
    error_count: int = 0

    @property
    def clean(self) -> bool:
        return self.error_count == 0


def _figure(row: dict, column: str) -> Decimal | int | None:
    text = (row.get(column) or "").strip().replace(",", "")
    if not text:
        return None
    money = "payment" in column
    try:
        value = Decimal(text) if money else int(text)
    except (InvalidOperation, ValueError):
        kind = "an amount in dollars" if money else "a whole number of patients"
        raise RowError(f"{column} must be {kind}, not {text!r}") from None
    if money and (not value.is_finite() or value.as_tuple().exponent < -2):
        raise RowError(f"{column} must be dollars with at most two decimals, not {text!r}")
    if value < 0:
        raise RowError(f"{column} must not be negative ({text})")
    if value >= (MONEY_LIMIT if money else COUNT_LIMIT):
        raise RowError(f"{column} is too large ({text})")
    return value


def participation_row(row: dict, known_entities: Collection[str] | None) -> tuple:
    """The row's values in ``COLUMNS`` order, or ``RowError`` saying what is wrong with it."""
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise RowError(f"missing {', '.join(missing)}")
    npi, tin, entity = (row[c].strip() for c in ("npi", "tin", "apm_entity_id"))
    problem = npi_problem(npi) or tin_problem(tin)
    if problem:
        raise RowError(problem)
    if len(entity) > 50:
        raise RowError("apm_entity_id is longer than 50 characters")
    if known_entities is not None and entity not in known_entities:
        raise RowError(f"APM Entity {entity} is not a known APM Entity")
    flag = (row.get("affiliated_practitioner") or "").strip().lower()
    if flag not in TRUE | FALSE:
        raise RowError(f"affiliated_practitioner must be Y or N, not {flag!r}")
    level = (row.get("all_payer_level") or "").strip().lower() or Level.ENTITY.value
    if level not in {lv.value for lv in Level}:
        raise RowError(f"all_payer_level must be entity, tin or clinician, not {level!r}")
    county = (row.get("county_fips") or "").strip()
    if county and (problem := county_fips_problem(county)):
        raise RowError(f"county_fips: {problem}")
    specialty = (row.get("medicaid_specialty_eligible") or "").strip().lower() or "y"
    if specialty not in TRUE | FALSE:
        raise RowError(f"medicaid_specialty_eligible must be Y or N, not {specialty!r}")
    figures = {c: _figure(row, c) for c in FIGURE_COLUMNS}
    for part in PARTS:
        for method in METHODS:
            numerator, denominator = figures[f"{part}_{method}_numerator"], figures[f"{part}_{method}_denominator"]
            if (numerator is None) != (denominator is None):
                raise RowError(f"{part}_{method}_numerator and _denominator must be given together")
            if numerator is not None and numerator > denominator:
                raise RowError(
                    f"{part}_{method}_numerator ({numerator}) is above {part}_{method}_denominator ({denominator})"
                )
    return (npi, tin, entity, flag in TRUE, level, *figures.values(), county, specialty in TRUE)


def _rows(lines: Iterable[str], errors: ErrorSink, known_entities, report: LoadReport, progress):
    reader = csv.DictReader(lines)
    header = [name.strip() for name in reader.fieldnames or []]
    absent = [c for c in REQUIRED if c not in header]
    if absent:
        errors(1, f"the header lacks the columns {', '.join(absent)}")
        report.error_count += 1
        return
    reader.fieldnames = header
    for row in reader:
        report.rows_read += 1
        if None in row:
            errors(reader.line_num, "the row has more fields than the header")
            report.error_count += 1
            continue
        try:
            values = participation_row(row, known_entities)
        except RowError as error:
            errors(reader.line_num, str(error))
            report.error_count += 1
            continue
        if progress and report.rows_read % PROGRESS_EVERY == 0:
            progress(report.rows_read)
        yield (reader.line_num, *values)


def _create_staging(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    types = dict.fromkeys(("affiliated_practitioner", "medicaid_specialty_eligible"), "boolean")
    types |= dict.fromkeys(FIGURE_COLUMNS, "numeric")
    columns = ", ".join(f"{c} {types.get(c, 'text')}" for c in COLUMNS)
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} (line integer, {columns})")


def _stage(cursor, rows) -> None:
    names = ", ".join(("line", *COLUMNS))
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
    batch = []
    for row in rows:
        batch.append(tuple(str(v) if isinstance(v, Decimal) else v for v in row))
        if len(batch) >= INSERT_BATCH:
            # The staging table and its columns are this module's constants; the rows go as parameters.
            cursor.executemany(f"INSERT INTO {STAGING} ({names}) VALUES ({placeholders})", batch)  # nosec B608
            batch = []
    if batch:
        # As above: constants formatted in, rows as parameters.
        cursor.executemany(f"INSERT INTO {STAGING} ({names}) VALUES ({placeholders})", batch)  # nosec B608


def _report_duplicates(cursor, errors: ErrorSink, report: LoadReport) -> None:
    cursor.execute(
        # Only the staging table's name (a constant) is formatted in.
        f"SELECT line, npi, tin, apm_entity_id, first FROM (SELECT line, npi, tin, apm_entity_id, "  # nosec B608
        f"ROW_NUMBER() OVER (PARTITION BY npi, tin, apm_entity_id ORDER BY line) AS n, "
        f"MIN(line) OVER (PARTITION BY npi, tin, apm_entity_id) AS first FROM {STAGING}) d WHERE n > 1 ORDER BY line"
    )
    for line, npi, tin, entity, first in cursor.fetchall():
        errors(line, f"NPI {npi}, TIN {tin} and APM Entity {entity} repeat line {first}")
        report.error_count += 1


def participation_file_load(
    *,
    lines: Iterable[str],
    performance_year,
    snapshot: int,
    errors: ErrorSink,
    known_entities: Collection[str] | None = None,
    upload: ParticipationUpload | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Check every row of ``lines`` (a CSV with a header); when all are good, replace the snapshot's records."""
    report = LoadReport()
    with connection.cursor() as cursor:
        _create_staging(cursor)
        try:
            # One transaction (a savepoint inside another): a file that stops decoding part-way aborts
            # the COPY, and the rollback leaves the connection usable for the clean-up below.
            with transaction.atomic():
                _stage(cursor, _rows(lines, errors, known_entities, report, progress))
                _report_duplicates(cursor, errors, report)
                if report.clean:
                    ParticipationRecord.objects.filter(performance_year=performance_year, snapshot=snapshot).delete()
                    names = ", ".join(COLUMNS)
                    cursor.execute(
                        # Table and column names come from the model and this module; the values are parameters.
                        f"INSERT INTO {ParticipationRecord._meta.db_table} "  # nosec B608
                        f"(performance_year_id, snapshot, upload_id, {names}) "
                        f"SELECT %s, %s, %s, {names} FROM {STAGING}",
                        [performance_year.pk, snapshot, upload.pk if upload else None],
                    )
                    report.rows_loaded = cursor.rowcount
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    return report


class _UploadErrors:
    """Writes an upload's bad rows in batches, so a file of bad rows does not build up in memory."""

    def __init__(self, upload: ParticipationUpload):
        self.upload, self.pending = upload, []

    def __call__(self, line: int, reason: str) -> None:
        self.pending.append(ParticipationUploadError(upload=self.upload, line=line, reason=reason[:500]))
        if len(self.pending) >= ERROR_BATCH:
            self.flush()

    def flush(self) -> None:
        ParticipationUploadError.objects.bulk_create(self.pending)
        self.pending = []


def participation_upload_start(*, performance_year, snapshot: int, file, uploaded_by) -> ParticipationUpload:
    """Keep the uploaded file, record the upload and have the worker check and load it."""
    with transaction.atomic():
        upload = ParticipationUpload.objects.create(
            performance_year=performance_year, snapshot=snapshot, file=file, file_name=file.name[:255],
            uploaded_by=uploaded_by,
        )  # fmt: skip
        transaction.on_commit(lambda: tasks.participation_upload_load.delay(upload.pk))
    return upload


def participation_upload_load(*, upload_id: int) -> ParticipationUpload:
    upload = ParticipationUpload.objects.select_related("performance_year").get(pk=upload_id)
    if upload.status != ParticipationUpload.Status.VALIDATING:
        return upload
    known = set(
        Organization.objects.filter(kind=OrganizationKind.APM_ENTITY)
        .exclude(apm_entity_identifier="")
        .values_list("apm_entity_identifier", flat=True)
    )
    sink = _UploadErrors(upload)

    def progress(rows: int) -> None:
        ParticipationUpload.objects.filter(pk=upload.pk).update(rows_read=rows)

    try:
        with upload.file.open("rb") as binary:
            lines = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            report = participation_file_load(
                lines=lines, performance_year=upload.performance_year, snapshot=upload.snapshot, errors=sink,
                known_entities=known, upload=upload, progress=progress,
            )  # fmt: skip
        sink.flush()
    except (UnicodeDecodeError, csv.Error) as error:
        sink.flush()
        upload.status, upload.failure = ParticipationUpload.Status.FAILED, f"The file is not a UTF-8 CSV: {error}"
    else:
        upload.rows_read, upload.rows_loaded, upload.error_count = (
            report.rows_read, report.rows_loaded, report.error_count)  # fmt: skip
        upload.status = ParticipationUpload.Status.LOADED if report.clean else ParticipationUpload.Status.REJECTED
    upload.finished_at = timezone.now()
    upload.save()
    return upload
