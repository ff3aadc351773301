"""The multi-entity individual fallback and the individual level (domain.md 4.5), by both paths.

Through 2025 a clinician is determined with their APM Entity group; one in two or more groups none
of which is a QP as a group is also assessed individually, on their own figures summed over all of
their records (42 CFR 414.1425(c)). From 2026 every clinician is assessed individually as well, on
the same summed figures. Each row: the year, the records (the clinician ``C`` and colleagues ``c1``,
``c2`` ... who make up the groups), and what the clinician's result must be.
"""

from decimal import Decimal

import pytest

from .support import record
from .test_batch_cases import determine, medicare, set_based  # noqa: F401 (set_based is a fixture)

CLINICIAN = "1234567893"
COLLEAGUES = ["1245319599", "1003000126", "1013000124", "1023000122"]


def _records(performance_year, rows):
    made = []
    for who, entity, tin, numerator, affiliated in rows:
        npi = CLINICIAN if who == "C" else COLLEAGUES[int(who[1:]) - 1]
        made.append(record(performance_year, npi=npi, entity=entity, tin=tin, affiliated_practitioner=affiliated,
                           **medicare("payment", numerator, 100)))  # fmt: skip
    return made


# (id, year, records as (who, entity, tin, Medicare payment numerator of 100, affiliated), status, fallback, score)
CASES = [
    # Groups A1 20 % and B2 30 %: neither a QP; the clinician's own 90 of 200 is 45 %: Partial QP (40 % in 2024).
    ("two groups none QP: individual counts", 2024,
     [("C", "A1", "111111111", 30, False), ("c1", "A1", "111111111", 10, False),
      ("C", "B2", "222222222", 60, False), ("c2", "B2", "222222222", 0, False)], "partial_qp", True, 45),
    # B2 is a QP as a group (110 of 200, 55 %): no individual assessment; the clinician is a QP through B2.
    ("one group QP: no fallback", 2024,
     [("C", "A1", "111111111", 30, False), ("c1", "A1", "111111111", 10, False),
      ("C", "B2", "222222222", 60, False), ("c2", "B2", "222222222", 50, False)], "qp", False, 55),
    # One APM Entity through two TINs is not several groups: the group's 20 % counts in 2024.
    ("one group two TINs: group only", 2024,
     [("C", "A1", "111111111", 60, False), ("C", "A1", "222222222", 30, False),
      ("c1", "A1", "111111111", 0, False), ("c2", "A1", "111111111", 0, False),
      ("c3", "A1", "111111111", 0, False), ("c4", "A1", "111111111", 0, False)], "none", False, 15),
    # On an Affiliated Practitioner list of B2 and in group A1: one group, no fallback; A1 alone gives 20 %.
    ("affiliated elsewhere: not several groups", 2024,
     [("C", "A1", "111111111", 30, False), ("c1", "A1", "111111111", 10, False),
      ("C", "B2", "222222222", 30, True)], "none", False, 20),
    # Fallback assessed but the group is better: A1's 45 % Partial QP stays (the clinician's own is 10 %).
    ("fallback lower than a group: group counts", 2024,
     [("C", "A1", "111111111", 10, False), ("c1", "A1", "111111111", 80, False),
      ("C", "B2", "222222222", 10, False), ("c2", "B2", "222222222", 20, False)], "partial_qp", True, 45),
    # 2025 thresholds (QP 75 %, Partial 50 %): own 120 of 200 is 60 %: Partial QP by the fallback.
    ("2025 fallback", 2025,
     [("C", "A1", "111111111", 60, False), ("c1", "A1", "111111111", 0, False),
      ("C", "B2", "222222222", 60, False), ("c2", "B2", "222222222", 0, False)], "partial_qp", True, 60),
    # 2026 determines individually anyway (no fallback flag): on the summed figures, 120 of 200 is 60 %.
    ("2026 individual level on summed figures", 2026,
     [("C", "A1", "111111111", 100, False), ("c1", "A1", "111111111", 0, False),
      ("C", "B2", "222222222", 20, False), ("c2", "B2", "222222222", 0, False)], "partial_qp", False, 60),
]  # fmt: skip


@pytest.mark.parametrize(("year", "rows", "status", "fallback", "score"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_multi_entity_individual_fallback(years, set_based, year, rows, status, fallback, score):  # noqa: F811
    result = determine(years[year], set_based, *_records(years[year], rows))[CLINICIAN]
    assert (result.status, result.individual_fallback) == (status, fallback)
    assert result.medicare_payment_score == Decimal(score)
