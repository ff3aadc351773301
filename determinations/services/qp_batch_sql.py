"""The QP batch as a few PostgreSQL statements over a whole snapshot (the set-based path of ``qp_batch``).

It does what ``rules/qp_levels.py`` does, in the same order: group totals per APM Entity and per
TIN, the Medicare Option scores at the year's level, the Medicare scores compared with the
All-Payer minimums (weighted where the group's is higher), the All-Payer scores at the requested
level, the statuses, the best record per clinician and the best status over the earlier snapshots.

It runs in two steps (decision 0037):

* ``stage_totals`` writes the run's group totals into three tables of its own, once: each APM
  Entity's sums with everything that depends on the group alone (its zero-guarded Medicare and
  All-Payer fractions, which thresholds they reach, their nine-decimal scores), each TIN's sums, and
  the individual sums of the clinicians with more than one record.
* ``determine_part`` writes the results of one part of the clinicians (all of a clinician's
  records fall in the same part: parts are by a hash of the NPI) from their records and those
  totals, in one ``INSERT ... SELECT``. The job runs the parts as separate items, each well within
  a chunk task's time limit; the command line and the tests run them one after the other.

Scores stay fractions until compared: ``n * 100 >= threshold * d`` is exact, like the Python's
comparison of exact decimals. A zero denominator is read as 0/1 (a score of zero) once, where the
fraction is chosen, not in every comparison. Each level of the per-record statement is fenced
(``OFFSET 0``) so PostgreSQL computes its columns once per record instead of substituting their
expressions into every place the next level reads them. Every threshold is a bound parameter read
from the year's ``YearParameters``; none is written in the SQL.
"""

from __future__ import annotations

from django.db import connection

from determinations.models import AllPayerQPStatus, AllPayerQPSubmission
from determinations.rules.parameters import YearParameters
from determinations.rules.qp_thresholds import METHODS, RANKED, QPStatus

RECORDS = "determinations_participationrecord"
RESULTS = "determinations_qpdetermination"
RUNS = "determinations_qpdeterminationrun"
MIDDLE = {QPStatus.QP: "qp", QPStatus.PARTIAL_QP: "partial_qp"}
SHORT = {method: method[:3] for method in METHODS}  # payment -> pay, patient -> pat
RANK = "CASE {0} WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END"
SUBMISSIONS = "determinations_allpayerqpsubmission"
ARRANGEMENTS = "determinations_allpayerqparrangement"
SUBMITTED_FIGURES = "determinations_allpayerqpfigures"
SUBMITTED_TOTALS = "determinations_allpayerqptotals"
RECORD_KEYS = "performance_year_id, snapshot, npi, tin, apm_entity_id, affiliated_practitioner, all_payer_level"
TOTALS_KEYS = {"entity": "apm_entity_id", "tin": "apm_entity_id, tin", "clinician": "npi", "earlier": "npi"}
OTHER_FIGURES = tuple(
    f"{part}_{method}_{end}"
    for part in ("other", "medicaid")
    for method in METHODS
    for end in ("numerator", "denominator")
)


def threshold_parameters(
    params: YearParameters, snapshot: int, performance_year_id: int, run_id: int, medicaid_counties=()
) -> dict:
    """The bound values of the statements: the year's thresholds and flags, and the Medicaid counties, by name."""
    values = {"run": run_id, "year": params.year, "year_id": performance_year_id, "snapshot": snapshot}
    values["individual"] = params.qp_individual_determination
    values["medicaid_counties"] = list(medicaid_counties)
    values["ap_available"] = params.all_payer_option_available
    for middle in MIDDLE.values():
        for method in METHODS:
            values[f"m_{middle}_{method}"] = getattr(params, f"medicare_{middle}_{method}_percent")
            values[f"ap_{middle}_{method}"] = getattr(params, f"all_payer_{middle}_{method}_percent")
            values[f"min_{middle}_{method}"] = getattr(params, f"all_payer_{middle}_medicare_minimum_{method}_percent")
    for method in METHODS:
        minimums = [values[f"min_{MIDDLE[s]}_{method}"] for s in RANKED]
        values[f"min_low_{method}"] = None if None in minimums else min(minimums)
    medicare_names = [f"medicare_{MIDDLE[s]}_{m}_percent" for s in RANKED for m in METHODS]
    all_payer_names = [f for f in params.provisional_fields if f.startswith("all_payer_")]
    values["medicare_provisional"] = params.is_provisional(*medicare_names)
    values["ap_provisional"] = params.is_provisional("all_payer_option_available", *all_payer_names)
    return values


def totals_tables(run_id: int) -> dict[str, str]:
    """The names of a run's own tables (only the run's integer id is formatted in): the totals, and
    ``records``, the snapshot's records with the submitted All-Payer QP figures brought in, made only
    when the year has submissions (``stage_submitted``)."""
    return {kind: f"qp_run_{int(run_id)}_{kind}" for kind in ("entity", "tin", "clinician", "earlier", "records")}


def _with_source(tables: dict[str, str], *, staged: bool) -> dict[str, str]:
    """``tables`` with ``source``: where the statements read the records (the staged ones, or the upload's)."""
    return tables | {"source": tables["records"] if staged else RECORDS}


# --- Pieces of SQL --------------------------------------------------------------------------------


def _figures_after_exclusions() -> str:
    """The record's figures, with its Medicaid figures added to the other payers' only where the Medicaid
    test holds: a Medicaid Other Payer Advanced APM in the clinician's county, open to their specialty
    (414.1440(a)(2)); otherwise Medicaid is excluded from numerator and denominator alike."""
    medicaid = "(county_fips = ANY(%(medicaid_counties)s::text[]) AND medicaid_specialty_eligible)"
    columns = [f"medicare_{m}_{end}" for m in METHODS for end in ("numerator", "denominator")]
    for m in METHODS:
        given = f"(other_{m}_denominator IS NOT NULL OR ({medicaid} AND medicaid_{m}_denominator IS NOT NULL))"
        for end in ("numerator", "denominator"):
            columns.append(
                f"CASE WHEN {given} THEN COALESCE(other_{m}_{end}, 0) + "
                f"CASE WHEN {medicaid} THEN COALESCE(medicaid_{m}_{end}, 0) ELSE 0 END END AS other_{m}_{end}"
            )
    return ", ".join(columns)


def records_scope(source: str, part_filter: str = "") -> str:
    """The snapshot's records as the rules see them (figures after the exclusions); every statement of
    the batch reads the records through this one query, from ``source`` (``_with_source``)."""
    return (
        f"SELECT npi, tin, apm_entity_id, affiliated_practitioner, all_payer_level, {_figures_after_exclusions()} "
        # Table and column names are this module's constants; values go as %(name)s parameters.
        f"FROM {source} WHERE performance_year_id = %(year_id)s AND snapshot = %(snapshot)s{part_filter}"  # nosec B608
    )


def _submitted_records(table: str) -> str:
    """The snapshot's records with the submitted All-Payer QP figures brought in, as
    ``rules/qp_submitted.py`` does: a submission's totals of the period (the denominators) and its
    arrangements' figures summed (the numerators; Medicaid's apart) feed a record whose upload carries
    no other-payer figures; the clinician's own (by NPI) first, else the TIN's or the APM Entity's, on
    the group's first record when no record of the group carries any, and the level requested goes
    with them (``docs/qp.md``)."""
    numerators = ", ".join(
        f"SUM(f.{method}_numerator) FILTER (WHERE {'' if part == 'medicaid' else 'NOT '}a.medicaid) "
        f"AS {part}_{method}_numerator"
        for part in ("other", "medicaid")
        for method in METHODS
    )
    denominators = ", ".join(
        f"t.{part}_{method}s AS {part}_{method}_denominator" for part in ("other", "medicaid") for method in METHODS
    )
    given = " OR ".join(f"t.{part}_{method}s IS NOT NULL" for part in ("other", "medicaid") for method in METHODS)
    # A total with nothing through an arrangement in the period is a numerator of 0.
    sums = ", ".join(
        f"CASE WHEN t.{part}_{method}s IS NULL THEN n.{part}_{method}_numerator "
        f"ELSE COALESCE(n.{part}_{method}_numerator, 0) END AS {part}_{method}_numerator"
        for part in ("other", "medicaid")
        for method in METHODS
    )
    carries = (
        "("
        + " OR ".join(f"r.{part}_{m}_denominator IS NOT NULL" for part in ("other", "medicaid") for m in METHODS)
        + ")"
    )
    group = "BOOL_OR({0}) FILTER (WHERE NOT r.affiliated_practitioner) OVER (PARTITION BY r.apm_entity_id{1})"
    first = "ROW_NUMBER() OVER (PARTITION BY r.apm_entity_id{0} ORDER BY r.affiliated_practitioner, r.npi{1})"
    by_clinician = "(NOT carries AND sc.npi IS NOT NULL)"
    by_tin = "(NOT affiliated_practitioner AND NOT COALESCE(t_carries, FALSE) AND st.tin IS NOT NULL)"
    by_entity = "(NOT affiliated_practitioner AND NOT COALESCE(e_carries, FALSE) AND se.apm_entity_id IS NOT NULL)"
    figures = ", ".join(
        f"CASE WHEN {by_clinician} THEN sc.{name} WHEN {by_tin} THEN (CASE WHEN t_first = 1 THEN st.{name} END) "
        f"WHEN {by_entity} AND e_first = 1 THEN se.{name} ELSE src.{name} END AS {name}"
        for name in OTHER_FIGURES
    )
    medicare = ", ".join(f"src.medicare_{m}_{end}" for m in METHODS for end in ("numerator", "denominator"))
    return f"""
CREATE TABLE {table} AS
WITH numerators AS (  -- what went through each submitted submission's arrangements in the snapshot
  SELECT a.submission_id, {numerators}
  FROM {SUBMISSIONS} s JOIN {ARRANGEMENTS} a ON a.submission_id = s.id
  JOIN {SUBMITTED_FIGURES} f ON f.arrangement_id = a.id AND f.snapshot = %(snapshot)s
  WHERE s.performance_year_id = %(year_id)s AND s.status = 'submitted'
  GROUP BY a.submission_id
),
sub AS (  -- the submitted figures of the snapshot, one row per submission that gave the period's totals
  SELECT s.level, s.apm_entity_id, s.tin, s.npi, {sums}, {denominators}
  FROM {SUBMISSIONS} s JOIN {SUBMITTED_TOTALS} t ON t.submission_id = s.id AND t.snapshot = %(snapshot)s
  LEFT JOIN numerators n ON n.submission_id = s.id
  WHERE s.performance_year_id = %(year_id)s AND s.status = 'submitted' AND ({given})
),
src AS (
  SELECT r.*, {carries} AS carries,
    {group.format(carries, "")} AS e_carries, {group.format(carries, ", r.tin")} AS t_carries,
    {first.format("", ", r.tin")} AS e_first, {first.format(", r.tin", "")} AS t_first
  FROM {RECORDS} r WHERE r.performance_year_id = %(year_id)s AND r.snapshot = %(snapshot)s
)
SELECT src.performance_year_id, src.snapshot, src.npi, src.tin, src.apm_entity_id, src.affiliated_practitioner,
  src.county_fips, src.medicaid_specialty_eligible, {medicare}, {figures},
  CASE WHEN {by_clinician} THEN 'clinician' WHEN {by_tin} THEN 'tin' WHEN {by_entity} THEN 'entity'
       ELSE src.all_payer_level END AS all_payer_level
FROM src
LEFT JOIN sub sc ON sc.level = 'clinician' AND sc.npi = src.npi
LEFT JOIN sub st ON st.level = 'tin' AND st.apm_entity_id = src.apm_entity_id AND st.tin = src.tin
LEFT JOIN sub se ON se.level = 'entity' AND se.apm_entity_id = src.apm_entity_id
"""  # nosec B608: only this module's constants and the run's table name are formatted in; values are parameters


def _guarded(n: str, d: str, alias: str) -> str:
    """A fraction with a zero denominator read as 0/1, as ``alias_n, alias_d``."""
    return f"CASE WHEN {d} = 0 THEN 0 ELSE {n} END AS {alias}_n, CASE WHEN {d} = 0 THEN 1 ELSE {d} END AS {alias}_d"


def _meets(fraction: str, threshold: str) -> str:
    """Whether a zero-guarded fraction reaches a threshold (a bound percentage)."""
    return f"({fraction}_n * 100 >= %({threshold})s * {fraction}_d)"


def _any_method(fraction: str, threshold: str) -> str:
    """Either method's fraction (``fraction_pay``, ``fraction_pat``) reaches its threshold."""
    return "(" + " OR ".join(_meets(f"{fraction}_{SHORT[m]}", f"{threshold}_{m}") for m in METHODS) + ")"


def _greater(first: str, second: str) -> str:
    """Whether zero-guarded fraction ``first`` scores strictly higher than ``second``."""
    return f"({first}_n * {second}_d > {second}_n * {first}_d)"


def _score(fraction: str) -> str:
    """The nine-decimal percentage of a zero-guarded fraction."""
    return f"ROUND({fraction}_n * 100 / {fraction}_d, 9)"


def _reached(fraction: str, alias: str) -> str:
    """Which thresholds a zero-guarded Medicare fraction reaches, as booleans named ``alias_...``:
    the Medicare Option's QP and Partial QP thresholds, and the All-Payer Medicare minimums."""
    return ", ".join(
        f"{_any_method(fraction, threshold)} AS {alias}_{name}"
        for name, threshold in (("mqp", "m_qp"), ("mpart", "m_partial_qp"), ("low", "min_low"),
                                ("minqp", "min_qp"), ("minpart", "min_partial_qp"))
    )  # fmt: skip


def _sum(column: str, alias: str, where: str = "") -> str:
    return f"COALESCE(SUM({column}){where}, 0) AS {alias}"


# --- Step 1: the run's group totals ---------------------------------------------------------------


def _entity_totals(tables: dict[str, str]) -> str:
    """Each APM Entity's sums over its participants who are not Affiliated Practitioners (every APM
    Entity of the snapshot has a row, zeros when all its records are Affiliated Practitioners), and
    what depends on the group alone: its Medicare and All-Payer fractions, the thresholds they
    reach and their scores."""
    group = " FILTER (WHERE NOT affiliated_practitioner)"
    sums, derived = [], []
    for m in METHODS:
        p = SHORT[m]
        for part, short in (("medicare", "m"), ("other", "o")):
            for end, letter in (("numerator", "n"), ("denominator", "d")):
                sums.append(_sum(f"{part}_{m}_{end}", f"e{short}_{p}_{letter}", group))
        derived.append(_guarded(f"em_{p}_n", f"em_{p}_d", f"emg_{p}"))
        derived.append(_guarded(f"em_{p}_n + eo_{p}_n", f"em_{p}_d + eo_{p}_d", f"eap_{p}"))
        derived.append(f"em_{p}_d + eo_{p}_d AS eap_{p}_nat")
    has = "(other_payment_denominator IS NOT NULL OR other_patient_denominator IS NOT NULL)"
    sums.append(f"COALESCE(BOOL_OR({has}){group}, FALSE) AS e_has")
    statuses = [_reached("emg", "e"), f"{_any_method('eap', 'ap_qp')} AS e_apqp",
                f"{_any_method('eap', 'ap_partial_qp')} AS e_appart"]  # fmt: skip
    scores = [f"{_score(f'{f}_{SHORT[m]}')} AS {f}_{SHORT[m]}_score" for f in ("emg", "eap") for m in METHODS]
    return f"""
CREATE TABLE {tables["entity"]} AS
SELECT g.*, {", ".join(statuses)}, {", ".join(scores)}
FROM (SELECT s.*, {", ".join(derived)}
      FROM (SELECT apm_entity_id, {", ".join(sums)} FROM ({records_scope(tables["source"])}) rec
            GROUP BY apm_entity_id) s) g
"""  # nosec B608: only this module's constants and the run's table names are formatted in


def _tin_totals(tables: dict[str, str]) -> str:
    """Each TIN's sums (within its APM Entity) over its participants who are not Affiliated Practitioners."""
    sums = [
        _sum(f"{part}_{m}_{end}", f"t{short}_{SHORT[m]}_{letter}")
        for m in METHODS
        for part, short in (("medicare", "m"), ("other", "o"))
        for end, letter in (("numerator", "n"), ("denominator", "d"))
    ]
    has = "(other_payment_denominator IS NOT NULL OR other_patient_denominator IS NOT NULL)"
    sums.append(f"BOOL_OR({has}) AS t_has")
    return f"""
CREATE TABLE {tables["tin"]} AS
SELECT apm_entity_id, tin, {", ".join(sums)} FROM ({records_scope(tables["source"])}) rec
WHERE NOT affiliated_practitioner GROUP BY apm_entity_id, tin
"""  # nosec B608: only this module's constants and the run's table names are formatted in


def _clinician_totals(tables: dict[str, str]) -> str:
    """The clinicians with more than one record: their individual Medicare figures (their own summed
    over all their records), how many records they have, and whether they are in two or more APM
    Entity groups none of which is a QP as a group (the multi-entity fallback's condition)."""
    sums = [
        _sum(f"r.medicare_{m}_{end}", f"i_{SHORT[m]}_{letter}")
        for m in METHODS
        for end, letter in (("numerator", "n"), ("denominator", "d"))
    ]
    guarded = [_guarded(f"i_{SHORT[m]}_n", f"i_{SHORT[m]}_d", f"ig_{SHORT[m]}") for m in METHODS]
    return f"""
CREATE TABLE {tables["clinician"]} AS
SELECT s.*, {", ".join(guarded)}
FROM (
  SELECT r.npi, COUNT(*) AS participations, {", ".join(sums)},
    COALESCE(MIN(r.apm_entity_id) FILTER (WHERE NOT r.affiliated_practitioner)
             <> MAX(r.apm_entity_id) FILTER (WHERE NOT r.affiliated_practitioner), FALSE)
    AND NOT COALESCE(BOOL_OR(e.e_mqp) FILTER (WHERE NOT r.affiliated_practitioner), FALSE) AS multi_none_qp
  FROM ({records_scope(tables["source"])}) r
  JOIN (SELECT npi FROM {RECORDS} WHERE performance_year_id = %(year_id)s AND snapshot = %(snapshot)s
        GROUP BY npi HAVING COUNT(*) > 1) several USING (npi)
  JOIN {tables["entity"]} e USING (apm_entity_id)
  GROUP BY r.npi
) s
"""  # nosec B608: only this module's constants and the run's table names are formatted in


def _earlier_statuses(table: str) -> str:
    """Each clinician's best status (as a rank) in the current runs of the year's earlier snapshots."""
    return f"""
CREATE TABLE {table} AS
SELECT d.npi, MAX({RANK.format("d.status")}) AS rank FROM {RESULTS} d JOIN {RUNS} run ON run.id = d.run_id
WHERE run.performance_year_id = %(year_id)s AND run.snapshot < %(snapshot)s AND run.is_current
GROUP BY d.npi
"""  # nosec B608: only this module's constants and the run's table names are formatted in


# --- Step 2: one part of the clinicians -----------------------------------------------------------


def _record_columns() -> str:
    """Level 1, per record: the zero-guarded fractions it may use (own, individual, the APM Entity's,
    the level group's) and the level group's figures (the TIN's, or the record's own)."""
    parts = []
    for m in METHODS:
        p = SHORT[m]
        own_n, own_d = f"r.medicare_{m}_numerator", f"r.medicare_{m}_denominator"
        parts.append(_guarded(own_n, own_d, f"og_{p}"))
        parts.append(f"{own_d} AS o_{p}_d")
        parts.append(f"COALESCE(i.ig_{p}_n, CASE WHEN {own_d} = 0 THEN 0 ELSE {own_n} END) AS ig_{p}_n")
        parts.append(f"COALESCE(i.ig_{p}_d, CASE WHEN {own_d} = 0 THEN 1 ELSE {own_d} END) AS ig_{p}_d")
        parts.append(f"COALESCE(i.i_{p}_d, {own_d}) AS i_{p}_d")
        level_n = f"CASE WHEN lvl = 'tin' THEN t.tm_{p}_n ELSE {own_n} END"
        level_d = f"CASE WHEN lvl = 'tin' THEN t.tm_{p}_d ELSE {own_d} END"
        parts.append(f"{level_n} AS l_{p}_n, {level_d} AS l_{p}_d")
        for end, letter in (("numerator", "n"), ("denominator", "d")):
            own_other = f"COALESCE(r.other_{m}_{end}, 0)"
            parts.append(f"CASE WHEN lvl = 'tin' THEN t.to_{p}_{letter} ELSE {own_other} END AS lo_{p}_{letter}")
    own_has = "(r.other_payment_denominator IS NOT NULL OR r.other_patient_denominator IS NOT NULL)"
    parts.append(
        f"CASE lvl WHEN 'entity' THEN e.e_has WHEN 'tin' THEN COALESCE(t.t_has, FALSE) ELSE {own_has} END AS has"
    )
    return ", ".join(parts)


def _choices() -> str:
    """Level 2: per method, whether the individual figures replace the group's for the Medicare Option
    (``ind_``) and whether the group's higher score is weighted in at TIN or clinician level (``w_``)."""
    parts = []
    for m in METHODS:
        p = SHORT[m]
        parts.append(f"(NOT aff AND (%(individual)s OR fb) AND {_greater(f'ig_{p}', f'emg_{p}')}) AS ind_{p}")
        parts.append(f"(NOT aff AND lvl <> 'entity' AND {_greater(f'emg_{p}', f'lg_{p}')}) AS w_{p}")
    return ", ".join(parts)


def _level_guarded() -> str:
    return ", ".join(_guarded(f"l_{SHORT[m]}_n", f"l_{SHORT[m]}_d", f"lg_{SHORT[m]}") for m in METHODS)


def _fractions() -> str:
    """Level 3: per method, the Medicare Option fraction (mo), the fraction compared with the Medicare
    minimums (g) and, at TIN or clinician level, the weighted All-Payer fraction (ap), all zero-guarded;
    the natural denominators the results keep; whether the Medicare fraction is the APM Entity's."""
    parts = []
    for m in METHODS:
        p = SHORT[m]
        for end in ("n", "d"):
            mo = f"CASE WHEN aff THEN og_{p}_{end} WHEN ind_{p} THEN ig_{p}_{end} ELSE emg_{p}_{end} END"
            parts.append(f"{mo} AS mo_{p}_{end}")
            parts.append(f"CASE WHEN w_{p} THEN emg_{p}_{end} ELSE lg_{p}_{end} END AS star_{p}_{end}")
        parts.append(f"CASE WHEN aff THEN o_{p}_d WHEN ind_{p} THEN i_{p}_d ELSE em_{p}_d END AS mo_{p}_nat")
        parts.append(f"CASE WHEN lvl = 'entity' THEN eap_{p}_nat ELSE l_{p}_d + lo_{p}_d END AS ap_{p}_nat")
    parts.append("NOT aff AND NOT ind_pay AND NOT ind_pat AS mo_entity")
    parts.append("NOT aff AND NOT ind_pay AS mo_entity_pay, NOT aff AND NOT ind_pat AS mo_entity_pat")
    return ", ".join(parts)


def _weighted_all_payer() -> str:
    """Level 4, at TIN or clinician level only: (MTS* x own Medicare denominator + other numerator) /
    (own Medicare denominator + other denominator), MTS* being the gate fraction; zero-guarded (the
    denominator is zero exactly when the natural one, ``ap_nat``, is: MTS*'s guarded one is not)."""
    parts = []
    for m in METHODS:
        p = SHORT[m]
        unused = f"lvl = 'entity' OR ap_{p}_nat = 0"
        parts.append(f"CASE WHEN {unused} THEN 0 ELSE star_{p}_n * l_{p}_d + lo_{p}_n * star_{p}_d END AS wap_{p}_n")
        parts.append(f"CASE WHEN {unused} THEN 1 ELSE star_{p}_d * ap_{p}_nat END AS wap_{p}_d")
    return ", ".join(parts)


def _outcomes() -> str:
    """Level 5: which thresholds are reached (the APM Entity's, computed once per group, where the
    fraction is the group's) and the nine-decimal scores."""
    entity_level = "lvl = 'entity'"
    reached = []
    for name, threshold in (("mqp", "m_qp"), ("mpart", "m_partial_qp")):
        reached.append(f"CASE WHEN mo_entity THEN e_{name} ELSE {_any_method('mo', threshold)} END AS {name}")
    for name, threshold in (("low", "min_low"), ("minqp", "min_qp"), ("minpart", "min_partial_qp")):
        reached.append(
            f"CASE WHEN {entity_level} AND mo_entity THEN e_{name} WHEN {entity_level} THEN "
            f"{_any_method('mo', threshold)} ELSE {_any_method('star', threshold)} END AS {name}"
        )
    reached.append(f"CASE WHEN {entity_level} THEN e_apqp ELSE {_any_method('wap', 'ap_qp')} END AS apqp")
    reached.append(f"CASE WHEN {entity_level} THEN e_appart ELSE {_any_method('wap', 'ap_partial_qp')} END AS appart")
    scores = []
    for m in METHODS:
        p = SHORT[m]
        scores.append(f"CASE WHEN mo_entity_{p} THEN emg_{p}_score ELSE {_score(f'mo_{p}')} END AS mo_{p}_score")
        # At entity level the gate is the Medicare Option's fraction: its score is taken from there, later.
        scores.append(f"CASE WHEN NOT {entity_level} THEN {_score(f'star_{p}')} END AS g_{p}_score")
        scores.append(
            f"CASE WHEN NOT has THEN NULL WHEN {entity_level} THEN eap_{p}_score ELSE {_score(f'wap_{p}')} END "
            f"AS ap_{p}_score"
        )
    return ", ".join(reached + scores)


RESULT_COLUMNS = (
    "npi, tin, apm_entity_id, aff, lvl, has, fb, participations, mo_status, ap_status, status, weighted, "
    "mo_pay_score, mo_pat_score, g_pay_score, g_pat_score, ap_pay_score, ap_pat_score, "
    "mo_pay_nat, mo_pat_nat, ap_pay_nat, ap_pat_nat"
)


def _per_record(part_filter: str, tables: dict[str, str], *, several: bool) -> str:
    """Each record's result, for the part's clinicians with one record (``several`` false) or with more."""
    mo_status = "CASE WHEN mqp THEN 'qp' WHEN mpart THEN 'partial_qp' ELSE 'none' END"
    ap_status = (
        "CASE WHEN NOT %(ap_available)s OR mo_status = 'qp' THEN NULL WHEN NOT low THEN NULL "
        "WHEN has AND minqp AND apqp THEN 'qp' WHEN has AND minpart AND appart THEN 'partial_qp' ELSE 'none' END"
    )
    status = (
        "CASE WHEN (" + RANK.format("mo_status") + ") >= (" + RANK.format("COALESCE(ap_status, 'none')") + ") "
        "THEN mo_status ELSE ap_status END"
    )
    entity_columns = ", ".join(
        [f"e.em_{SHORT[m]}_d, e.eap_{SHORT[m]}_nat, e.emg_{SHORT[m]}_n, e.emg_{SHORT[m]}_d, e.emg_{SHORT[m]}_score, "
         f"e.eap_{SHORT[m]}_score" for m in METHODS]
        + [f"e.e_{name}" for name in ("mqp", "mpart", "low", "minqp", "minpart", "apqp", "appart")]
    )  # fmt: skip
    clinicians = (
        f"JOIN {tables['clinician']} i ON i.npi = r.npi" if several
        else f"LEFT JOIN {tables['clinician']} i ON i.npi = r.npi WHERE i.npi IS NULL"
    )  # fmt: skip
    return f"""
  SELECT npi, tin, apm_entity_id, aff, lvl, has, fb, participations, mo_status, ap_status,
    {status} AS status, ((w_pay OR w_pat) AND ap_status IS NOT NULL) AS weighted,
    mo_pay_score, mo_pat_score, COALESCE(g_pay_score, mo_pay_score) AS g_pay_score,
    COALESCE(g_pat_score, mo_pat_score) AS g_pat_score, ap_pay_score, ap_pat_score,
    mo_pay_nat, mo_pat_nat, CASE WHEN has THEN ap_pay_nat END AS ap_pay_nat,
    CASE WHEN has THEN ap_pat_nat END AS ap_pat_nat
  FROM (
    SELECT v.*, {ap_status} AS ap_status
    FROM (
      SELECT o.*, {mo_status} AS mo_status
      FROM (
        SELECT w.*, {_outcomes()}
        FROM (
          SELECT f.*, {_weighted_all_payer()}
          FROM (
            SELECT c.*, {_fractions()}
            FROM (
              SELECT l.*, {_choices()}
              FROM (
                SELECT k.*, {_level_guarded()}
                FROM (
                  SELECT r.npi, r.tin, r.apm_entity_id, r.affiliated_practitioner AS aff, lv.lvl,
                    COALESCE(i.participations, 1) AS participations,
                    (NOT %(individual)s AND NOT r.affiliated_practitioner AND COALESCE(i.multi_none_qp, FALSE)) AS fb,
                    {entity_columns}, {_record_columns()}
                  FROM ({records_scope(tables["source"], part_filter)} OFFSET 0) r
                  CROSS JOIN LATERAL (SELECT CASE WHEN r.affiliated_practitioner THEN 'clinician'
                                                  ELSE r.all_payer_level END AS lvl) lv
                  JOIN {tables["entity"]} e ON e.apm_entity_id = r.apm_entity_id
                  LEFT JOIN {tables["tin"]} t ON t.apm_entity_id = r.apm_entity_id AND t.tin = r.tin
                  {clinicians}
                ) k OFFSET 0
              ) l OFFSET 0
            ) c OFFSET 0
          ) f OFFSET 0
        ) w OFFSET 0
      ) o OFFSET 0
    ) v OFFSET 0
  ) s OFFSET 0"""  # nosec B608: as ``records_scope``, only constants are formatted in; values are parameters


def part_statement(part_filter: str, tables: dict[str, str], *, several: bool) -> str:
    """The INSERT of one part's results, for its clinicians with one record (each record is their result:
    no sort) or with several (the best record of each, by a window over the clinician's records)."""
    basis = (
        "CASE WHEN status <> 'none' THEN (CASE WHEN status = mo_status THEN 'medicare_option' ELSE 'all_payer' END) "
        "WHEN NOT %(ap_available)s THEN 'all_payer_not_available' "
        "WHEN ap_status IS NULL THEN 'below_medicare_minimum' "
        "WHEN NOT has THEN 'no_all_payer_data' ELSE 'below_all_payer_thresholds' END"
    )
    best = _per_record(part_filter, tables, several=several)
    if several:
        order = f"{RANK.format('status')} DESC, apm_entity_id, tin"
        best = f"""
  SELECT {RESULT_COLUMNS} FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY npi ORDER BY {order}) AS choice FROM ({best}) s
  ) ranked WHERE choice = 1"""  # nosec B608: only this module's constants are formatted in
    return f"""
INSERT INTO {RESULTS} (
  run_id, year, snapshot, npi, tin, apm_entity_id, affiliated_practitioner, participations, level, status,
  medicare_option_status, all_payer_status, best_status, basis,
  medicare_payment_score, medicare_patient_score, all_payer_medicare_payment_score, all_payer_medicare_patient_score,
  all_payer_payment_score, all_payer_patient_score,
  medicare_payment_denominator, medicare_patient_denominator, all_payer_payment_denominator,
  all_payer_patient_denominator, weighted, individual_fallback, provisional
)
SELECT %(run)s, %(year)s, %(snapshot)s, b.npi, b.tin, b.apm_entity_id, b.aff, b.participations, b.lvl, b.status,
  b.mo_status, b.ap_status,
  CASE GREATEST({RANK.format("b.status")}, COALESCE(earlier.rank, 0))
       WHEN 2 THEN 'qp' WHEN 1 THEN 'partial_qp' ELSE 'none' END,
  {basis},
  mo_pay_score, mo_pat_score, g_pay_score, g_pat_score, ap_pay_score, ap_pat_score,
  mo_pay_nat, mo_pat_nat, ap_pay_nat, ap_pat_nat, weighted, fb,
  %(medicare_provisional)s OR (ap_status IS NOT NULL AND %(ap_provisional)s) OR weighted
FROM ({best}) b LEFT JOIN {tables["earlier"]} earlier ON earlier.npi = b.npi
"""  # nosec B608: only this module's constants and the run's table names are formatted in


# --- Running it -----------------------------------------------------------------------------------


def _settings(cursor) -> None:
    # Hash joins of the totals: a nested loop over them grows with the square of the snapshot. No JIT:
    # compiling these long expressions costs more than it saves. Room for the hash tables in memory.
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '64MB'")


def _values(run, params: YearParameters) -> dict:
    return threshold_parameters(params, run.snapshot, run.performance_year_id, run.pk, run.medicaid_counties)


def has_submitted(run) -> bool:
    """Whether any All-Payer QP submission of the run's year is submitted."""
    return AllPayerQPSubmission.objects.filter(
        performance_year_id=run.performance_year_id, status=AllPayerQPStatus.SUBMITTED
    ).exists()


def stage_totals(*, run, params: YearParameters) -> None:
    """Write the run's group totals (``totals_tables``), replacing any left from an earlier attempt; when
    the year has All-Payer QP submissions, first the records with their figures brought in, which every
    later statement of the run reads (so the common case, none, reads the upload's records directly)."""
    staged = has_submitted(run)
    tables = _with_source(totals_tables(run.pk), staged=staged)
    values = _values(run, params)
    with connection.cursor() as cursor:
        # Fresh statistics (freshly loaded records have none yet), of the columns the statements
        # filter, join and group on only: the figures' statistics guide no plan and cost half the time.
        cursor.execute(f"ANALYZE {RECORDS} ({RECORD_KEYS})")
        _settings(cursor)
        drop_totals(run_id=run.pk, cursor=cursor)
        if staged:
            cursor.execute(_submitted_records(tables["records"]), values)
            cursor.execute(f"ANALYZE {tables['records']} ({RECORD_KEYS})")
        cursor.execute(_entity_totals(tables), values)
        cursor.execute(_tin_totals(tables), values)
        # Grouping every NPI to find those with several records: in NPI order (the unique index, or a
        # sort), not a hash table of every NPI, which outgrows work_mem and spills at 1,000,000 records.
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute(_clinician_totals(tables), values)
        cursor.execute("RESET enable_hashagg")
        cursor.execute(_earlier_statuses(tables["earlier"]), values)
        for kind, keys in TOTALS_KEYS.items():
            cursor.execute(f"ANALYZE {tables[kind]} ({keys})")


def drop_totals(*, run_id: int, cursor=None) -> None:
    """Drop a run's totals tables (after it publishes, fails or is cancelled)."""
    statement = "DROP TABLE IF EXISTS " + ", ".join(totals_tables(run_id).values())
    if cursor is not None:
        cursor.execute(statement)
        return
    with connection.cursor() as own:
        own.execute(statement)


def runs_with_totals() -> list[int]:
    """The runs whose totals tables exist (a cancelled run's stay until the next run starts)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT substring(tablename FROM '^qp_run_([0-9]+)_entity$')::int FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename ~ '^qp_run_[0-9]+_entity$'"
        )
        return [row[0] for row in cursor.fetchall()]


def determine_part(*, run, params: YearParameters, part: int, parts: int) -> int:
    """Insert the results of part ``part`` (from 0) of ``parts`` of the clinicians; returns how many."""
    values = _values(run, params) | {"part": part, "parts": parts}
    part_filter = " AND (hashtext(npi) & 2147483647) %% %(parts)s = %(part)s" if parts > 1 else ""
    written = 0
    tables = totals_tables(run.pk)
    with connection.cursor() as cursor:
        _settings(cursor)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [tables["records"]])
        tables = _with_source(tables, staged=cursor.fetchone()[0])
        for several in (False, True):
            cursor.execute(part_statement(part_filter, tables, several=several), values)
            written += cursor.rowcount
    return written
