"""Who takes part in an arrangement: APM Entities (name, TIN, entity identifier) and their clinicians' NPIs.

Participants arrive as CSV text, one row per clinician (a hospital that is an APM Entity may have a
row without an NPI), with the header ``entity_name,tin,entity_identifier,npi`` and, where the APM
Entities are hospitals, ``uses_cehrt`` (yes or no). Every bad row is reported with its line
number; nothing is kept from a file with a bad row, so a list is never half-read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .identifiers import npi_problem, tin_problem

COLUMNS = ("entity_name", "tin", "entity_identifier", "npi")
OPTIONAL_COLUMNS = ("uses_cehrt",)
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}


@dataclass(frozen=True)
class EntityParticipants:
    name: str
    tin: str
    entity_identifier: str
    npis: tuple[str, ...]
    uses_cehrt: bool | None = None


@dataclass(frozen=True)
class ParticipantsRead:
    entities: tuple[EntityParticipants, ...]
    errors: tuple[str, ...]


@dataclass(frozen=True)
class ParticipantCounts:
    """What the rules read from a participant list."""

    apm_entities: int
    clinicians: int
    largest_entity_clinicians: int


def participants_from_csv(text: str) -> ParticipantsRead:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (rows.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return ParticipantsRead(
            (), (f"Line 1: the header must name the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}",)
        )
    rows.fieldnames = header
    errors: list[str] = []
    entities: dict[str, dict] = {}
    for row in rows:
        line = rows.line_num
        values = {key: (row.get(key) or "").strip() for key in (*COLUMNS, *OPTIONAL_COLUMNS)}
        problems = _row_problems(values)
        entity = entities.get(values["entity_identifier"])
        if (
            not problems
            and entity is not None
            and (entity["name"], entity["tin"])
            != (
                values["entity_name"],
                values["tin"],
            )
        ):
            problems.append(
                f"APM Entity {values['entity_identifier']} is named {entity['name']} with TIN {entity['tin']} "
                f"on line {entity['line']}"
            )
        if not problems and entity is not None and values["npi"] in entity["npis"]:
            problems.append(f"NPI {values['npi']} is listed twice for APM Entity {values['entity_identifier']}")
        if problems:
            errors.append(f"Line {line}: {'; '.join(problems)}")
            continue
        entity = entities.setdefault(
            values["entity_identifier"],
            {"name": values["entity_name"], "tin": values["tin"], "line": line, "npis": [], "uses_cehrt": None},
        )
        if values["npi"]:
            entity["npis"].append(values["npi"])
        if values["uses_cehrt"]:
            entity["uses_cehrt"] = values["uses_cehrt"].lower() in YES
    if not errors and not entities:
        errors.append("Line 2: the file has a header but no participants")
    if errors:
        return ParticipantsRead((), tuple(errors))
    return ParticipantsRead(
        tuple(
            EntityParticipants(e["name"], e["tin"], identifier, tuple(e["npis"]), e["uses_cehrt"])
            for identifier, e in entities.items()
        ),
        (),
    )


def _row_problems(values: dict) -> list[str]:
    problems = []
    if not values["entity_name"]:
        problems.append("the APM Entity's name is empty")
    if not values["entity_identifier"]:
        problems.append("the entity identifier is empty")
    if problem := tin_problem(values["tin"]):
        problems.append(problem)
    if values["npi"] and (problem := npi_problem(values["npi"])):
        problems.append(problem)
    cehrt = values["uses_cehrt"].lower()
    if cehrt and cehrt not in YES | NO:
        problems.append(f"uses_cehrt must be yes or no, not {values['uses_cehrt']!r}")
    return problems


def participant_counts(entities) -> ParticipantCounts:
    """Counts derived from the list: ``entities`` are anything with ``npis`` (rows or dataclasses)."""
    sizes = [len(entity.npis) for entity in entities]
    return ParticipantCounts(len(sizes), sum(sizes), max(sizes, default=0))
