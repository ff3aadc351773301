"""The QP batch as one PostgreSQL statement over a whole snapshot (the set-based path of ``qp_batch``).

It does what ``rules/qp_levels.py`` does, in the same order: group totals per APM Entity and per
TIN, the Medicare Option scores at the year's level, the Medicare scores compared with the
All-Payer minimums (weighted where the group's is higher), the All-Payer scores at the requested
level, the statuses, the best record per clinician and the best status over the earlier snapshots.
Scores stay fractions until compared: ``n * 100 >= threshold * d`` is exact, like the Python's
comparison of exact decimals. The fractions are materialized once, so the status expressions
that read them do not repeat their arithmetic, and only the narrow result rows are sorted (once)
to pick each clinician's best record. Every threshold is a bound parameter read from the year's
``YearParameters``; none is written in the SQL.
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


def threshold_parameters(
    params: YearParameters, snapshot: int, performance_year_id: int, run_id: int, medicaid_counties=()
) -> dict:
    """The bound values of the statement: the year's thresholds and flags, and the Medicaid counties, by name."""
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


def _sums(alias: str) -> str:
    columns = []
    for method in METHODS:
        for part, short in (("medicare", "m"), ("other", "o")):
            for end, letter in (("numerator", "n"), ("denominator", "d")):
                columns.append(f"COALESCE(SUM({part}_{method}_{end}), 0) AS {alias}_{short}{method[:3]}_{letter}")
    has = "(other_payment_denominator IS NOT NULL OR other_patient_denominator IS NOT NULL)"
    columns.append(f"BOOL_OR({has}) AS {alias}_has")
    return ", ".join(columns)


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


def _individual_sums() -> str:
    """A clinician's own Medicare figures summed over all of their records (the individual level)."""
    return ", ".join(
        f"SUM(r.medicare_{method}_{end}) AS i_{method[:3]}_{letter}"
        for method in METHODS
        for end, letter in (("numerator", "n"), ("denominator", "d"))
    )


def _n(prefix: str) -> str:
    """The numerator of a fraction, 0 when the denominator is 0 (a score of zero)."""
    return f"(CASE WHEN {prefix}_d = 0 THEN 0 ELSE {prefix}_n END)"


def _d(prefix: str) -> str:
    return f"(CASE WHEN {prefix}_d = 0 THEN 1 ELSE {prefix}_d END)"


def _greater(first: str, second: str) -> str:
    """Whether fraction ``first`` scores strictly higher than ``second``."""
    return f"({_n(first)} * {_d(second)} > {_n(second)} * {_d(first)})"


def _meets(fraction: str, threshold: str) -> str:
    return f"({_n(fraction)} * 100 >= %({threshold})s * {_d(fraction)})"


def _score(fraction: str) -> str:
    return f"(CASE WHEN {fraction}_d = 0 THEN 0 ELSE ROUND({fraction}_n * 100 / {fraction}_d, 9) END)"


def _fractions() -> str:
    """Per record: the Medicare Option fraction (mo), the gate (g) and the All-Payer fraction (ap), per method."""
    parts = []
    for m in METHODS:
        p = m[:3]
        own, entity, level, level_other, entity_other = f"own_{p}", f"e_m{p}", f"l_{p}", f"lo_{p}", f"e_o{p}"
        ind = f"ind_{p}"
        use_ind = f"(NOT aff AND (%(individual)s OR fb) AND {_greater(ind, entity)})"
        medicare = {
            end: f"CASE WHEN aff THEN {own}_{end} WHEN {use_ind} THEN {ind}_{end} ELSE {entity}_{end} END"
            for end in ("n", "d")
        }
        parts.append(f"{medicare['n']} AS mo_{p}_n, {medicare['d']} AS mo_{p}_d")
        weighted = f"(NOT aff AND lvl <> 'entity' AND {_greater(entity, level)})"
        parts.append(f"{weighted} AS w_{p}")
        gate_level = f"CASE WHEN {weighted} THEN {entity}_{{end}} ELSE {level}_{{end}} END"
        parts.append(
            f"CASE WHEN lvl = 'entity' THEN ({medicare['n']}) ELSE {gate_level.format(end='n')} END AS g_{p}_n, "
            f"CASE WHEN lvl = 'entity' THEN ({medicare['d']}) ELSE {gate_level.format(end='d')} END AS g_{p}_d"
        )
        star_n = f"(CASE WHEN {weighted} THEN {_n(entity)} ELSE {_n(level)} END)"
        star_d = f"(CASE WHEN {weighted} THEN {_d(entity)} ELSE {_d(level)} END)"
        parts.append(
            f"CASE WHEN lvl = 'entity' THEN {entity}_n + {entity_other}_n "
            f"ELSE {star_n} * {level}_d + {level_other}_n * {star_d} END AS ap_{p}_n, "
            f"CASE WHEN lvl = 'entity' THEN {entity}_d + {entity_other}_d "
            f"ELSE {star_d} * ({level}_d + {level_other}_d) END AS ap_{p}_d, "
            f"CASE WHEN lvl = 'entity' THEN {entity}_d + {entity_other}_d "
            f"ELSE {level}_d + {level_other}_d END AS apn_{p}_d"
        )
    return ", ".join(parts)


def _any_method(fraction: str, threshold: str) -> str:
    return "(" + " OR ".join(_meets(f"{fraction}_{m[:3]}", f"{threshold}_{m}") for m in METHODS) + ")"


def _entity_is_qp() -> str:
    """Whether the APM Entity group's own Medicare score reaches the Medicare Option's QP threshold."""
    return "(" + " OR ".join(_meets(f"e_m{m[:3]}", f"m_qp_{m}") for m in METHODS) + ")"


def _medicare_status() -> str:
    return (
        f"CASE WHEN {_any_method('mo', 'm_qp')} THEN 'qp' "
        f"WHEN {_any_method('mo', 'm_partial_qp')} THEN 'partial_qp' ELSE 'none' END"
    )


def _all_payer_status() -> str:
    """NULL where no All-Payer determination is made (414.1425(f)), as ``all_payer_status`` returns None."""
    return (
        "CASE WHEN NOT %(ap_available)s OR mo_status = 'qp' THEN NULL "
        f"WHEN NOT {_any_method('g', 'min_low')} THEN NULL "
        f"WHEN has AND {_any_method('g', 'min_qp')} AND {_any_method('ap', 'ap_qp')} THEN 'qp' "
        f"WHEN has AND {_any_method('g', 'min_partial_qp')} AND {_any_method('ap', 'ap_partial_qp')} "
        "THEN 'partial_qp' ELSE 'none' END"
    )


def _level_columns() -> str:
    """The level's Medicare figures (l) and other-payer figures (lo): the TIN group's or the record's own."""
    parts = []
    for m in METHODS:
        p = m[:3]
        for end, letter in (("numerator", "n"), ("denominator", "d")):
            own_other = f"COALESCE(r.other_{m}_{end}, 0)"
            parts.append(f"CASE WHEN lvl = 'tin' THEN t_m{p}_{letter} ELSE r.medicare_{m}_{end} END AS l_{p}_{letter}")
            parts.append(f"CASE WHEN lvl = 'tin' THEN t_o{p}_{letter} ELSE {own_other} END AS lo_{p}_{letter}")
            parts.append(f"r.medicare_{m}_{end} AS own_{p}_{letter}")
            parts.append(f"COALESCE(i.i_{p}_{letter}, r.medicare_{m}_{end}) AS ind_{p}_{letter}")
            for part in ("m", "o"):
                parts.append(f"COALESCE(e_{part}{p}_{letter}, 0) AS e_{part}{p}_{letter}")
    own_has = "(r.other_payment_denominator IS NOT NULL OR r.other_patient_denominator IS NOT NULL)"
    parts.append(
        f"CASE lvl WHEN 'entity' THEN COALESCE(e_has, FALSE) WHEN 'tin' THEN COALESCE(t_has, FALSE) "
        f"ELSE {own_has} END AS has"
    )
    return ", ".join(parts)


RANK = "CASE {0} WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END"
SUBMISSIONS = "determinations_allpayerqpsubmission"
ARRANGEMENTS = "determinations_allpayerqparrangement"
SUBMITTED_FIGURES = "determinations_allpayerqpfigures"
OTHER_FIGURES = tuple(
    f"{part}_{method}_{end}"
    for part in ("other", "medicaid")
    for method in METHODS
    for end in ("numerator", "denominator")
)


def _submitted() -> str:
    """The snapshot's records with the submitted All-Payer QP figures brought in (``fed``), as
    ``rules/qp_submitted.py`` does: a submission's figures, summed over its arrangements (Medicaid arrangements'
    apart), feed a record whose upload carries no other-payer figures; the clinician's own (by NPI) first,
    else the TIN's or the APM Entity's, on the group's first record when no record of the group carries
    any, and the level requested goes with them (``docs/qp.md``)."""
    sums = ", ".join(
        f"SUM(f.{method}_{end}) FILTER (WHERE {'' if part == 'medicaid' else 'NOT '}a.medicaid) "
        f"AS {part}_{method}_{end}"
        for part in ("other", "medicaid")
        for method in METHODS
        for end in ("numerator", "denominator")
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
sub AS (  -- the submitted All-Payer QP figures of the snapshot, one row per submission
  SELECT s.level, s.apm_entity_id, s.tin, s.npi, {sums}
  FROM {SUBMISSIONS} s JOIN {ARRANGEMENTS} a ON a.submission_id = s.id
  JOIN {SUBMITTED_FIGURES} f ON f.arrangement_id = a.id AND f.snapshot = %(snapshot)s
  WHERE s.performance_year_id = %(year_id)s AND s.status = 'submitted'
  GROUP BY s.id, s.level, s.apm_entity_id, s.tin, s.npi
),
src AS (
  SELECT r.*, {carries} AS carries,
    {group.format(carries, "")} AS e_carries, {group.format(carries, ", r.tin")} AS t_carries,
    {first.format("", ", r.tin")} AS e_first, {first.format(", r.tin", "")} AS t_first
  FROM {RECORDS} r WHERE r.performance_year_id = %(year_id)s AND r.snapshot = %(snapshot)s
),
fed AS (
  SELECT src.npi, src.tin, src.apm_entity_id, src.affiliated_practitioner, src.county_fips,
    src.medicaid_specialty_eligible, {medicare}, {figures},
    CASE WHEN {by_clinician} THEN 'clinician' WHEN {by_tin} THEN 'tin' WHEN {by_entity} THEN 'entity'
         ELSE src.all_payer_level END AS all_payer_level
  FROM src
  LEFT JOIN sub sc ON sc.level = 'clinician' AND sc.npi = src.npi
  LEFT JOIN sub st ON st.level = 'tin' AND st.apm_entity_id = src.apm_entity_id AND st.tin = src.tin
  LEFT JOIN sub se ON se.level = 'entity' AND se.apm_entity_id = src.apm_entity_id
),"""  # nosec B608: only this module's constants are formatted in; values are parameters


def statement(*, submitted: bool = False) -> str:
    """The INSERT of one run's results: every clinician of the snapshot in one pass; ``submitted`` brings in
    the All-Payer QP submissions (left out when the year has none, so the common case costs nothing more)."""
    source = "fed" if submitted else f"{RECORDS} WHERE performance_year_id = %(year_id)s AND snapshot = %(snapshot)s"
    scope = (
        f"SELECT npi, tin, apm_entity_id, affiliated_practitioner, all_payer_level, {_figures_after_exclusions()} "
        # Table and column names are this module's constants; values go as %(name)s parameters.
        f"FROM {source}"  # nosec B608
    )
    status = (
        "CASE WHEN (" + RANK.format("mo_status") + ") >= (" + RANK.format("COALESCE(ap_status, 'none')") + ") "
        "THEN mo_status ELSE ap_status END"
    )
    weighted = "((w_pay OR w_pat) AND ap_status IS NOT NULL)"
    basis = (
        "CASE WHEN status <> 'none' THEN (CASE WHEN status = mo_status THEN 'medicare_option' ELSE 'all_payer' END) "
        "WHEN NOT %(ap_available)s THEN 'all_payer_not_available' "
        "WHEN ap_status IS NULL THEN 'below_medicare_minimum' "
        "WHEN NOT has THEN 'no_all_payer_data' ELSE 'below_all_payer_thresholds' END"
    )
    return f"""
WITH {_submitted() if submitted else ""}
rec AS ({scope}),
ent AS (SELECT apm_entity_id, {_sums("e")} FROM rec WHERE NOT affiliated_practitioner GROUP BY apm_entity_id),
entq AS (SELECT apm_entity_id, {_entity_is_qp()} AS qp FROM ent),
several AS (  -- clinicians with more than one record
  SELECT npi FROM {RECORDS} WHERE performance_year_id = %(year_id)s AND snapshot = %(snapshot)s
  GROUP BY npi HAVING COUNT(*) > 1
),
ind AS (  -- their individual figures; a clinician with one record is their record
  SELECT r.npi, {_individual_sums()},
    COALESCE(MIN(r.apm_entity_id) FILTER (WHERE NOT r.affiliated_practitioner)
             <> MAX(r.apm_entity_id) FILTER (WHERE NOT r.affiliated_practitioner), FALSE)
    AND NOT COALESCE(BOOL_OR(q.qp) FILTER (WHERE NOT r.affiliated_practitioner), FALSE) AS multi_none_qp
  FROM rec r JOIN several USING (npi) LEFT JOIN entq q ON q.apm_entity_id = r.apm_entity_id GROUP BY r.npi
),
tin AS (SELECT apm_entity_id, tin, {_sums("t")} FROM rec WHERE NOT affiliated_practitioner
        GROUP BY apm_entity_id, tin),
joined AS (
  SELECT r.npi, r.tin, r.apm_entity_id, r.affiliated_practitioner AS aff, lv.lvl, {_level_columns()},
    (NOT %(individual)s AND NOT r.affiliated_practitioner AND COALESCE(i.multi_none_qp, FALSE)) AS fb
  FROM rec r LEFT JOIN ind i ON i.npi = r.npi
  CROSS JOIN LATERAL (SELECT CASE WHEN r.affiliated_practitioner THEN 'clinician'
                                  ELSE r.all_payer_level END AS lvl) lv
  LEFT JOIN ent e ON e.apm_entity_id = r.apm_entity_id
  LEFT JOIN tin t ON t.apm_entity_id = r.apm_entity_id AND t.tin = r.tin
),
fractions AS MATERIALIZED (SELECT npi, tin, apm_entity_id, aff, lvl, has, fb, {_fractions()} FROM joined),
medicare AS (SELECT f.*, {_medicare_status()} AS mo_status FROM fractions f),
statuses AS (SELECT m.*, {_all_payer_status()} AS ap_status FROM medicare m),
narrow AS (
  SELECT npi, tin, apm_entity_id, aff, lvl, has, fb, mo_status, ap_status, {status} AS status,
    {weighted} AS weighted,
    {_score("mo_pay")} AS mo_pay, {_score("mo_pat")} AS mo_pat, {_score("g_pay")} AS g_pay, {_score("g_pat")} AS g_pat,
    CASE WHEN has THEN {_score("ap_pay")} END AS ap_pay, CASE WHEN has THEN {_score("ap_pat")} END AS ap_pat,
    mo_pay_d, mo_pat_d, CASE WHEN has THEN apn_pay_d END AS ap_pay_d, CASE WHEN has THEN apn_pat_d END AS ap_pat_d
  FROM statuses
),
ranked AS (
  SELECT n.*, ROW_NUMBER() OVER best AS choice, COUNT(*) OVER (PARTITION BY npi) AS participations FROM narrow n
  WINDOW best AS (PARTITION BY npi ORDER BY {RANK.format("status")} DESC, apm_entity_id, tin)
),
earlier AS (
  SELECT d.npi, MAX({RANK.format("d.status")}) AS rank FROM {RESULTS} d JOIN {RUNS} run ON run.id = d.run_id
  WHERE run.performance_year_id = %(year_id)s AND run.snapshot < %(snapshot)s AND run.is_current
  GROUP BY d.npi
)
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
  mo_pay, mo_pat, g_pay, g_pat, ap_pay, ap_pat, mo_pay_d, mo_pat_d, ap_pay_d, ap_pat_d, weighted, fb,
  %(medicare_provisional)s OR (ap_status IS NOT NULL AND %(ap_provisional)s) OR weighted
FROM ranked b LEFT JOIN earlier ON earlier.npi = b.npi
WHERE b.choice = 1
"""  # nosec B608: as ``scope`` above, only constants are formatted in; values are parameters


def has_submitted(run) -> bool:
    """Whether any All-Payer QP submission of the run's year is submitted."""
    return AllPayerQPSubmission.objects.filter(
        performance_year_id=run.performance_year_id, status=AllPayerQPStatus.SUBMITTED
    ).exists()


def determine_snapshot(*, run, params: YearParameters) -> int:
    """Insert the run's results; returns the number of clinicians determined."""
    values = threshold_parameters(params, run.snapshot, run.performance_year_id, run.pk, run.medicaid_counties)
    with connection.cursor() as cursor:
        # Fresh statistics, and hash joins of the group totals: freshly loaded records have no
        # statistics yet, and a nested loop over the totals grows with the square of the snapshot.
        # No JIT: compiling this statement's long expressions costs more than it saves.
        cursor.execute(f"ANALYZE {RECORDS}")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort by NPI stays in memory longer
        cursor.execute(statement(submitted=has_submitted(run)), values)
        return cursor.rowcount
