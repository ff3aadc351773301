"""Helpers for the rule tests: the reference years as ``YearParameters`` and arrangements built from dicts."""

import copy
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from determinations.rules.arrangement import arrangement_from_mapping
from determinations.rules.parameters import YearParameters, year_parameters_from_mapping

ROOT = Path(__file__).resolve().parents[3]
REFERENCE_FILE = ROOT / "determinations" / "reference_data" / "performance_years.json"
YEARS = range(2017, 2027)  # the years domain.md gives figures for
EPSILON = Decimal("0.001")


@cache
def reference_records() -> dict[int, dict]:
    return {record["year"]: record for record in json.loads(REFERENCE_FILE.read_text())["performance_years"]}


def params_for(year: int) -> YearParameters:
    return year_parameters_from_mapping(reference_records()[year])


def edges(value) -> list[tuple[Decimal, bool]]:
    """Just below, equal and just above ``value``, with whether each reaches it."""
    value = Decimal(value)
    return [(value - EPSILON, False), (value, True), (value + EPSILON, True)]


MEETS_GENERAL = {
    "payer_type": "other_payer",
    "arrangement": {"name": "Test arrangement"},
    "cehrt": {"requires_cehrt": True},
    "quality": {
        "measures": [
            {"title": "Controlling High Blood Pressure", "measure_identifier": "236", "basis": "mips_list",
             "is_outcome": True},
            {"title": "Breast Cancer Screening", "measure_identifier": "112", "basis": "mips_list"},
        ]
    },
    "financial_risk": {
        "risk_type": "two_sided",
        "risk_mechanisms": ["direct_payment"],
        "expected_expenditures": "10000000",
        "maximum_loss_amount": "450000",
        "risk_defined_in_revenue": False,
        "marginal_risk_rate": "40",
        "minimum_loss_rate": "2",
    },
}  # fmt: skip


def arrangement(year: int, base: dict = MEETS_GENERAL, **sections):
    """``base`` for ``year`` with each keyword's section updated (``None`` removes a key)."""
    data = copy.deepcopy(base)
    data["year"] = year
    for name, changes in sections.items():
        if isinstance(changes, dict):
            section = data.setdefault(name, {})
            for key, value in changes.items():
                if value is None:
                    section.pop(key, None)
                else:
                    section[key] = value
        else:
            data[name] = changes
    return arrangement_from_mapping(data)
