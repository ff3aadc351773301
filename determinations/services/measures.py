"""Importing the MIPS quality measure list from CMS's ``qpp-measures-data`` files.

The package holds one ``<year>/measures-data.json`` per performance year: a JSON list of measure
objects of every MIPS category; only ``"category": "quality"`` entries are imported. The package
stops at 2022, so the portal ships a compact extract of later years from CMS's repository
(``determinations/reference_data/mips_measures/<year>.json.gz``, the same list gzipped, written by
``scripts/extract_mips_measures.py``); ``mips_measures_default_sources`` takes each year from the
package when it has it and from the extract otherwise. An import
upserts on (year, measure ID): new measures are created, changed ones updated in place, unchanged
ones left alone, and measures a newer file no longer lists are kept (submissions may refer to them).
Every file is read and validated before anything is written, then each year is written in its own
transaction with one read and one batched ``INSERT ... ON CONFLICT DO UPDATE``.
"""

import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from determinations.models import MipsMeasure
from determinations.models.measure import is_outcome_type

MEASURES_FILE_NAME = "measures-data.json"
EXTRACT_DIR = Path(__file__).resolve().parent.parent / "reference_data" / "mips_measures"
FIRST_YEAR = 2017  # the first MIPS performance year
LAST_YEAR = 2100

# The columns an import sets, in the order they are compared with the stored row.
IMPORTED_FIELDS = (
    "title",
    "description",
    "measure_type",
    "is_outcome",
    "is_high_priority",
    "nqf_id",
    "e_measure_id",
    "primary_steward",
)
# key in the data -> model field, for the text values
_TEXT_KEYS = {
    "measureId": "measure_id",
    "title": "title",
    "description": "description",
    "measureType": "measure_type",
    "nqfId": "nqf_id",
    "eMeasureId": "e_measure_id",
    "primarySteward": "primary_steward",
}


class MeasureDataError(Exception):
    """A measures file or folder that cannot be imported; the message names it and the problem."""


@dataclass(frozen=True)
class YearImport:
    year: int
    source: Path
    created: int
    updated: int
    unchanged: int
    kept: int  # rows of the year already stored that the file no longer lists

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        line = (
            f"{self.year}: {self.total} quality measures from {self.source} "
            f"({self.created} created, {self.updated} updated, {self.unchanged} unchanged)"
        )
        if self.kept:
            line += f"; {self.kept} stored measures the file no longer lists were kept"
        return line


@dataclass(frozen=True)
class ImportSummary:
    years: tuple[YearImport, ...]

    @property
    def created(self) -> int:
        return sum(y.created for y in self.years)

    @property
    def updated(self) -> int:
        return sum(y.updated for y in self.years)

    @property
    def unchanged(self) -> int:
        return sum(y.unchanged for y in self.years)

    def for_year(self, year: int) -> YearImport:
        return next(y for y in self.years if y.year == year)


def measures_data_years(directory: Path | str) -> dict[int, Path]:
    """The years a ``qpp-measures-data`` ``measures`` folder holds: ``{year: path of its file}``."""
    directory = Path(directory)
    found = {}
    for child in directory.iterdir() if directory.is_dir() else ():
        if re.fullmatch(r"\d{4}", child.name) and (child / MEASURES_FILE_NAME).is_file():
            found[int(child.name)] = child / MEASURES_FILE_NAME
    return dict(sorted(found.items()))


def measures_file_year(path: Path | str) -> int | None:
    """The year a measures file is for, read from its folder (``2027/measures-data.json``) or name."""
    path = Path(path)
    if re.fullmatch(r"\d{4}", path.parent.name):
        return int(path.parent.name)
    match = re.search(r"(?<!\d)(\d{4})(?!\d)", path.stem)
    return int(match.group(1)) if match else None


def extract_years(directory: Path | str = EXTRACT_DIR) -> dict[int, Path]:
    """The years the shipped extract holds: ``{year: path of its .json.gz}``."""
    directory = Path(directory)
    found = {}
    for child in directory.glob("*.json.gz") if directory.is_dir() else ():
        if re.fullmatch(r"\d{4}\.json\.gz", child.name):
            found[int(child.name[:4])] = child
    return dict(sorted(found.items()))


def mips_measures_default_sources(*, package_dir: Path | str, extract_dir: Path | str = EXTRACT_DIR) -> dict[int, Path]:
    """Each year's file: the npm package's when it holds the year, else the shipped extract's."""
    return dict(sorted((extract_years(extract_dir) | measures_data_years(package_dir)).items()))


def mips_measures_import_sources(sources: dict[int, Path]) -> ImportSummary:
    """Import one file per year (``{year: path}``); every file is validated before anything is written."""
    sources = {_checked_year(year): Path(path) for year, path in sorted(sources.items())}
    records = {year: _read_quality_measures(path) for year, path in sources.items()}
    return ImportSummary(tuple(_import_year(year, sources[year], records[year]) for year in sources))


def mips_measures_import(*, path_or_dir: Path | str, years: Iterable[int] | None = None) -> ImportSummary:
    """Import the quality measures of ``path_or_dir`` and return what changed, per year.

    ``path_or_dir`` is a ``measures`` folder with one folder per year (``years`` picks some of them;
    by default all), one year's folder, or a ``measures-data.json`` file; for a file whose path does
    not show its year, pass it as ``years=[year]``. Raises ``MeasureDataError`` before writing
    anything if a folder, year or file is not usable.
    """
    return mips_measures_import_sources(
        _sources(Path(path_or_dir), None if years is None else sorted({_checked_year(y) for y in years}))
    )


def _checked_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise MeasureDataError(f"{year!r} is not a MIPS performance year ({FIRST_YEAR} to {LAST_YEAR}).")
    return year


def _sources(path: Path, years: list[int] | None) -> dict[int, Path]:
    if path.is_file() or (path.is_dir() and (path / MEASURES_FILE_NAME).is_file()):
        file = path if path.is_file() else path / MEASURES_FILE_NAME
        if years is not None and len(years) != 1:
            raise MeasureDataError(f"{file}: a single file holds one year's measures; give exactly one year.")
        year = years[0] if years else measures_file_year(file)
        if year is None:
            raise MeasureDataError(f"{file}: the year these measures are for is not in the path; give the year.")
        return {_checked_year(year): file}
    if not path.is_dir():
        raise MeasureDataError(f"{path}: no such file or folder.")
    available = measures_data_years(path)
    if not available:
        raise MeasureDataError(f"{path}: no year folders holding a {MEASURES_FILE_NAME} file.")
    if years is None:
        return available
    missing = [y for y in years if y not in available]
    if missing:
        held = ", ".join(str(y) for y in available)
        raise MeasureDataError(
            f"{path}: no measures for {', '.join(map(str, missing))} (it holds {held}). "
            f"Import a newer year from its {MEASURES_FILE_NAME} file with that year."
        )
    return {year: available[year] for year in years}


def _read_quality_measures(path: Path) -> list[dict]:
    """The file's quality measures as model field values, or ``MeasureDataError`` naming the problem."""
    try:
        raw = path.read_bytes()
        data = json.loads((gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8-sig"))
    except gzip.BadGzipFile as error:
        raise MeasureDataError(f"{path}: is not a gzip file ({error}).") from error
    except OSError as error:
        raise MeasureDataError(f"{path}: cannot be read ({error.strerror or error}).") from error
    except UnicodeDecodeError as error:
        raise MeasureDataError(f"{path}: is not UTF-8 encoded JSON.") from error
    except json.JSONDecodeError as error:
        raise MeasureDataError(
            f"{path}: is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    if not isinstance(data, list):
        raise MeasureDataError(f"{path}: expected a JSON list of measure objects, found {_json_kind(data)}.")

    measures, seen = [], {}
    for position, item in enumerate(data, start=1):
        where = f"{path}: item {position}"
        if not isinstance(item, dict):
            raise MeasureDataError(f"{where} is {_json_kind(item)}, not a measure object.")
        if isinstance(item.get("measureId"), str) and item["measureId"].strip():
            where += f" (measure {item['measureId'].strip()})"
        lacking = [key for key in ("measureId", "title", "category") if not _non_empty_text(item.get(key))]
        if lacking:
            raise MeasureDataError(f"{where} lacks {', '.join(lacking)} (each must be non-empty text).")
        if item["category"] != "quality":
            continue
        record = _measure_record(item, where)
        if record["measure_id"] in seen:
            raise MeasureDataError(
                f"{where} repeats measure {record['measure_id']} (also item {seen[record['measure_id']]})."
            )
        seen[record["measure_id"]] = position
        measures.append(record)
    if not measures:
        raise MeasureDataError(f'{path}: holds no quality measures (no item has "category": "quality").')
    return measures


def _measure_record(item: dict, where: str) -> dict:
    record = {}
    for key, field_name in _TEXT_KEYS.items():
        value = item.get(key)
        if value is None:
            value = ""
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        elif not isinstance(value, str):
            raise MeasureDataError(f"{where}: {key} is {_json_kind(value)}, expected text.")
        value = value.strip()
        max_length = MipsMeasure._meta.get_field(field_name).max_length
        if max_length and len(value) > max_length:
            raise MeasureDataError(f"{where}: {key} is {len(value)} characters long, longer than {max_length}.")
        record[field_name] = value
    high_priority = item.get("isHighPriority", False)
    if high_priority is None:
        high_priority = False
    if not isinstance(high_priority, bool):
        raise MeasureDataError(f"{where}: isHighPriority is {_json_kind(high_priority)}, expected true or false.")
    record["is_high_priority"] = high_priority
    record["is_outcome"] = is_outcome_type(record["measure_type"])
    return record


def _import_year(year: int, source: Path, records: list[dict]) -> YearImport:
    now = timezone.now()
    with transaction.atomic():
        stored = {
            row[0]: row[1:] for row in MipsMeasure.objects.filter(year=year).values_list("measure_id", *IMPORTED_FIELDS)
        }
        created = updated = 0
        changed = []
        for record in records:
            before = stored.get(record["measure_id"])
            if before == tuple(record[name] for name in IMPORTED_FIELDS):
                continue
            if before is None:
                created += 1
            else:
                updated += 1
            changed.append(MipsMeasure(year=year, updated_at=now, **record))
        if changed:
            MipsMeasure.objects.bulk_create(
                changed,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["year", "measure_id"],
                update_fields=[*IMPORTED_FIELDS, "updated_at"],
            )
    in_file = {record["measure_id"] for record in records}
    return YearImport(
        year=year,
        source=source,
        created=created,
        updated=updated,
        unchanged=len(records) - created - updated,
        kept=len(stored.keys() - in_file),
    )


def _non_empty_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _json_kind(value) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "null"
