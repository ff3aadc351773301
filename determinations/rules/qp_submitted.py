"""Which participation records the submitted All-Payer QP figures feed (42 CFR 414.1440(e), docs/qp.md).

A submission's figures are the other payers' (and, apart, Medicaid's) payments and patients of an
APM Entity, a TIN or a clinician for a snapshot period: the denominators are the totals it states once
for the period (every payer but Medicare, each patient once), the numerators its Other Payer Advanced
APMs' figures summed (``selectors/all_payer.py`` and ``services/qp_batch_sql.py`` read them). The uploaded
participation data come first: a record whose upload carries other-payer or Medicaid figures keeps
them. Otherwise, the most specific submission feeds it:

* the clinician's own (level ``clinician``, by NPI), on each of their records;
* else the TIN's (level ``tin``, by APM Entity and TIN) when no record of that TIN group carries
  figures: on the group's first record (by NPI), so the group's sum counts them once;
* else the APM Entity's (level ``entity``) when no record of the entity carries figures: on the
  entity's first record (by NPI and TIN).

Affiliated Practitioners are fed only by their own submission (they are not part of a group's sums).
A record fed by a submission, or in a group a submission covers, is determined at the level that
submission asked for. The set-based statement (``services/qp_batch_sql.py``) does the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CLINICIAN, TIN, ENTITY = "clinician", "tin", "entity"
FIGURES = tuple(
    f"{part}_{method}_{end}"
    for part in ("other", "medicaid")
    for method in ("payment", "patient")
    for end in ("numerator", "denominator")
)
CARRIED = tuple(name for name in FIGURES if name.endswith("_denominator"))


def carries(row: Mapping) -> bool:
    """Whether the uploaded record carries other-payer or Medicaid figures of its own."""
    return any(row[name] is not None for name in CARRIED)


@dataclass
class SubmittedFigures:
    """The submitted figures of one snapshot by whom they name, and the groups of the snapshot's records."""

    clinicians: dict[str, dict] = field(default_factory=dict)
    tins: dict[tuple[str, str], dict] = field(default_factory=dict)
    entities: dict[str, dict] = field(default_factory=dict)
    entity_carries: set[str] = field(default_factory=set)
    tin_carries: set[tuple[str, str]] = field(default_factory=set)
    entity_first: dict[str, tuple[str, str]] = field(default_factory=dict)
    tin_first: dict[tuple[str, str], str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.clinicians or self.tins or self.entities)

    def add_submission(self, *, level: str, apm_entity_id: str, tin: str, npi: str, figures: dict) -> None:
        if level == CLINICIAN:
            self.clinicians[npi] = figures
        elif level == TIN:
            self.tins[(apm_entity_id, tin)] = figures
        elif level == ENTITY:
            self.entities[apm_entity_id] = figures

    def add_groups(self, rows: Iterable[Mapping]) -> None:
        """One pass over the snapshot's records: which groups carry figures, and each group's first record."""
        for row in rows:
            if row["affiliated_practitioner"]:
                continue
            entity, tin_key = row["apm_entity_id"], (row["apm_entity_id"], row["tin"])
            if carries(row):
                self.entity_carries.add(entity)
                self.tin_carries.add(tin_key)
            self.entity_first[entity] = min(
                self.entity_first.get(entity, (row["npi"], row["tin"])), (row["npi"], row["tin"])
            )
            self.tin_first[tin_key] = min(self.tin_first.get(tin_key, row["npi"]), row["npi"])

    def feed(self, row: dict) -> dict:
        """``row`` as the batch determines it: with the submitted figures and level where they apply."""
        if not self:
            return row
        entity, tin_key = row["apm_entity_id"], (row["apm_entity_id"], row["tin"])
        grouped = not row["affiliated_practitioner"]
        if not carries(row) and row["npi"] in self.clinicians:
            return {**row, **self.clinicians[row["npi"]], "all_payer_level": CLINICIAN}
        if grouped and tin_key in self.tins and tin_key not in self.tin_carries:
            first = self.tin_first[tin_key] == row["npi"]
            return {**row, **(self.tins[tin_key] if first else {}), "all_payer_level": TIN}
        if grouped and entity in self.entities and entity not in self.entity_carries:
            first = self.entity_first[entity] == (row["npi"], row["tin"])
            return {**row, **(self.entities[entity] if first else {}), "all_payer_level": ENTITY}
        return row
