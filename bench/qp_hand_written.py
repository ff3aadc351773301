"""The hand-written SQL statements the QP bench measures the batch against, and the check that they agree.

``FULL`` is one ``INSERT ... SELECT`` doing, for the bench's data, the arithmetic the batch does
(``determinations/services/qp_batch_sql.py``) with 2026's thresholds written in, as a person would
for a one-off query, into a table like the results table (``RESULTS_LIKE``: the same columns,
defaults and indexes). What it leaves out because the bench's data cannot reach it: the Medicaid
test (the bench's records carry no Medicaid figures), submitted All-Payer QP figures (the bench
has no submissions) and the multi-entity individual fallback (2026 assesses everyone
individually, so the fallback never applies); the provisional flag is 2026's (its Medicare Partial
QP patient threshold is provisional, so every row is). ``differences`` compares its rows with the
batch run's, column by column.

``NARROW`` is the earlier baseline, kept to compare with the earlier figures: the 2026
entity-level arithmetic only (no TIN or clinician level, no weighted score, no Affiliated
Practitioners, no best status over snapshots, no denominators), 8 columns into a temporary table.
"""

RESULTS = "determinations_qpdetermination"
HAND_TABLE = "qp_bench_hand_written"
RESULTS_LIKE = f"CREATE TABLE {HAND_TABLE} (LIKE {RESULTS} INCLUDING ALL)"
COLUMNS = (
    "run_id, year, snapshot, npi, tin, apm_entity_id, affiliated_practitioner, participations, level, status, "
    "medicare_option_status, all_payer_status, best_status, basis, "
    "medicare_payment_score, medicare_patient_score, all_payer_medicare_payment_score, "
    "all_payer_medicare_patient_score, all_payer_payment_score, all_payer_patient_score, "
    "medicare_payment_denominator, medicare_patient_denominator, all_payer_payment_denominator, "
    "all_payer_patient_denominator, weighted, individual_fallback, provisional"
)

# Each step is fenced (OFFSET 0) so PostgreSQL computes its columns once per record rather than
# substituting their expressions into every later reference (the batch does the same).
# Fractions are (numerator, denominator) pairs compared as n * 100 >= t * d; a zero denominator
# reads as 0/1 (a score of zero). p = payment, q = patient; patients are cast to numeric so the
# nine-decimal scores are exact divisions.
FULL = f"""
INSERT INTO {HAND_TABLE} ({COLUMNS})
WITH rec AS (
  SELECT npi, tin, apm_entity_id, affiliated_practitioner AS aff,
    CASE WHEN affiliated_practitioner THEN 'clinician' ELSE all_payer_level END AS lvl,
    medicare_payment_numerator AS mpn, medicare_payment_denominator AS mpd,
    medicare_patient_numerator::numeric AS mqn, medicare_patient_denominator::numeric AS mqd,
    other_payment_numerator AS opn, other_payment_denominator AS opd,
    other_patient_numerator::numeric AS oqn, other_patient_denominator::numeric AS oqd,
    (other_payment_denominator IS NOT NULL OR other_patient_denominator IS NOT NULL) AS own_has,
    -- the clinician's own Medicare figures summed over all their records (their individual figures)
    COUNT(*) OVER w AS participations, SUM(medicare_payment_numerator) OVER w AS ipn,
    SUM(medicare_payment_denominator) OVER w AS ipd, SUM(medicare_patient_numerator::numeric) OVER w AS iqn,
    SUM(medicare_patient_denominator::numeric) OVER w AS iqd
  FROM determinations_participationrecord
  WHERE performance_year_id = %(year_id)s AND snapshot = %(snapshot)s
  WINDOW w AS (PARTITION BY npi)
), e AS (  -- APM Entity sums over its participants who are not Affiliated Practitioners
  SELECT apm_entity_id,
    COALESCE(SUM(mpn) FILTER (WHERE NOT aff), 0) AS empn, COALESCE(SUM(mpd) FILTER (WHERE NOT aff), 0) AS empd,
    COALESCE(SUM(mqn) FILTER (WHERE NOT aff), 0) AS emqn, COALESCE(SUM(mqd) FILTER (WHERE NOT aff), 0) AS emqd,
    COALESCE(SUM(opn) FILTER (WHERE NOT aff), 0) AS eopn, COALESCE(SUM(opd) FILTER (WHERE NOT aff), 0) AS eopd,
    COALESCE(SUM(oqn) FILTER (WHERE NOT aff), 0) AS eoqn, COALESCE(SUM(oqd) FILTER (WHERE NOT aff), 0) AS eoqd,
    COALESCE(BOOL_OR(own_has) FILTER (WHERE NOT aff), FALSE) AS e_has
  FROM rec GROUP BY apm_entity_id
), t AS (  -- TIN sums (within the APM Entity), the same way
  SELECT apm_entity_id, tin, SUM(mpn) AS tmpn, SUM(mpd) AS tmpd, SUM(mqn) AS tmqn, SUM(mqd) AS tmqd,
    COALESCE(SUM(opn), 0) AS topn, COALESCE(SUM(opd), 0) AS topd,
    COALESCE(SUM(oqn), 0) AS toqn, COALESCE(SUM(oqd), 0) AS toqd, BOOL_OR(own_has) AS t_has
  FROM rec WHERE NOT aff GROUP BY apm_entity_id, tin
), figures AS (  -- per record: its own and individual figures, the group's, the level's
  SELECT r.npi, r.tin, r.apm_entity_id, r.aff, r.lvl, r.participations,
    r.mpn, r.mpd, r.mqn, r.mqd, r.ipn, r.ipd, r.iqn, r.iqd, e.empd, e.emqd,
    CASE WHEN e.empd = 0 THEN 0 ELSE e.empn END AS gpn, CASE WHEN e.empd = 0 THEN 1 ELSE e.empd END AS gpd,
    CASE WHEN e.emqd = 0 THEN 0 ELSE e.emqn END AS gqn, CASE WHEN e.emqd = 0 THEN 1 ELSE e.emqd END AS gqd,
    CASE WHEN e.empd + e.eopd = 0 THEN 0 ELSE e.empn + e.eopn END AS eapn,
    CASE WHEN e.empd + e.eopd = 0 THEN 1 ELSE e.empd + e.eopd END AS eapd,
    CASE WHEN e.emqd + e.eoqd = 0 THEN 0 ELSE e.emqn + e.eoqn END AS eaqn,
    CASE WHEN e.emqd + e.eoqd = 0 THEN 1 ELSE e.emqd + e.eoqd END AS eaqd,
    e.empd + e.eopd AS eap_nat, e.emqd + e.eoqd AS eaq_nat,
    CASE WHEN r.lvl = 'tin' THEN t.tmpn ELSE r.mpn END AS lpn,
    CASE WHEN r.lvl = 'tin' THEN t.tmpd ELSE r.mpd END AS lpd,
    CASE WHEN r.lvl = 'tin' THEN t.tmqn ELSE r.mqn END AS lqn,
    CASE WHEN r.lvl = 'tin' THEN t.tmqd ELSE r.mqd END AS lqd,
    CASE WHEN r.lvl = 'tin' THEN t.topn ELSE COALESCE(r.opn, 0) END AS lopn,
    CASE WHEN r.lvl = 'tin' THEN t.topd ELSE COALESCE(r.opd, 0) END AS lopd,
    CASE WHEN r.lvl = 'tin' THEN t.toqn ELSE COALESCE(r.oqn, 0) END AS loqn,
    CASE WHEN r.lvl = 'tin' THEN t.toqd ELSE COALESCE(r.oqd, 0) END AS loqd,
    CASE r.lvl WHEN 'entity' THEN e.e_has WHEN 'tin' THEN COALESCE(t.t_has, FALSE) ELSE r.own_has END AS has
  FROM rec r JOIN e ON e.apm_entity_id = r.apm_entity_id
  LEFT JOIN t ON t.apm_entity_id = r.apm_entity_id AND t.tin = r.tin OFFSET 0
), guarded AS (  -- zero denominators read as 0/1: the record's own, its individual and its level's fractions
  SELECT f.*,
    CASE WHEN mpd = 0 THEN 0 ELSE mpn END AS opn0, CASE WHEN mpd = 0 THEN 1 ELSE mpd END AS opd0,
    CASE WHEN mqd = 0 THEN 0 ELSE mqn END AS oqn0, CASE WHEN mqd = 0 THEN 1 ELSE mqd END AS oqd0,
    CASE WHEN ipd = 0 THEN 0 ELSE ipn END AS ipn0, CASE WHEN ipd = 0 THEN 1 ELSE ipd END AS ipd0,
    CASE WHEN iqd = 0 THEN 0 ELSE iqn END AS iqn0, CASE WHEN iqd = 0 THEN 1 ELSE iqd END AS iqd0,
    CASE WHEN lpd = 0 THEN 0 ELSE lpn END AS lpn0, CASE WHEN lpd = 0 THEN 1 ELSE lpd END AS lpd0,
    CASE WHEN lqd = 0 THEN 0 ELSE lqn END AS lqn0, CASE WHEN lqd = 0 THEN 1 ELSE lqd END AS lqd0
  FROM figures f OFFSET 0
), choices AS (  -- 2026: the clinician's own figures where better than the group's; MTS* weighted below entity level
  SELECT g.*,
    NOT aff AND ipn0 * gpd > gpn * ipd0 AS ind_p, NOT aff AND iqn0 * gqd > gqn * iqd0 AS ind_q,
    NOT aff AND lvl <> 'entity' AND gpn * lpd0 > lpn0 * gpd AS w_p,
    NOT aff AND lvl <> 'entity' AND gqn * lqd0 > lqn0 * gqd AS w_q
  FROM guarded g OFFSET 0
), fractions AS (  -- the Medicare Option fraction (mo), the one compared with the minimums (gate) and MTS* (s)
  SELECT c.*,
    CASE WHEN aff THEN opn0 WHEN ind_p THEN ipn0 ELSE gpn END AS mopn,
    CASE WHEN aff THEN opd0 WHEN ind_p THEN ipd0 ELSE gpd END AS mopd,
    CASE WHEN aff THEN oqn0 WHEN ind_q THEN iqn0 ELSE gqn END AS moqn,
    CASE WHEN aff THEN oqd0 WHEN ind_q THEN iqd0 ELSE gqd END AS moqd,
    CASE WHEN aff THEN mpd WHEN ind_p THEN ipd ELSE empd END AS mo_p_nat,
    CASE WHEN aff THEN mqd WHEN ind_q THEN iqd ELSE emqd END AS mo_q_nat,
    CASE WHEN w_p THEN gpn ELSE lpn0 END AS spn, CASE WHEN w_p THEN gpd ELSE lpd0 END AS spd,
    CASE WHEN w_q THEN gqn ELSE lqn0 END AS sqn, CASE WHEN w_q THEN gqd ELSE lqd0 END AS sqd,
    CASE WHEN lvl = 'entity' THEN eap_nat ELSE lpd + lopd END AS ap_p_nat,
    CASE WHEN lvl = 'entity' THEN eaq_nat ELSE lqd + loqd END AS ap_q_nat
  FROM choices c OFFSET 0
), gated AS (
  SELECT fr.*,
    CASE WHEN lvl = 'entity' THEN mopn ELSE spn END AS gtpn, CASE WHEN lvl = 'entity' THEN mopd ELSE spd END AS gtpd,
    CASE WHEN lvl = 'entity' THEN moqn ELSE sqn END AS gtqn, CASE WHEN lvl = 'entity' THEN moqd ELSE sqd END AS gtqd,
    -- the All-Payer fraction: the APM Entity's, or (MTS* x own Medicare denominator + other numerator) /
    -- (own Medicare denominator + other denominator) at TIN or clinician level
    CASE WHEN lvl = 'entity' THEN eapn WHEN ap_p_nat = 0 THEN 0 ELSE spn * lpd + lopn * spd END AS appn,
    CASE WHEN lvl = 'entity' THEN eapd WHEN ap_p_nat = 0 THEN 1 ELSE spd * ap_p_nat END AS appd,
    CASE WHEN lvl = 'entity' THEN eaqn WHEN ap_q_nat = 0 THEN 0 ELSE sqn * lqd + loqn * sqd END AS apqn,
    CASE WHEN lvl = 'entity' THEN eaqd WHEN ap_q_nat = 0 THEN 1 ELSE sqd * ap_q_nat END AS apqd
  FROM fractions fr OFFSET 0
), statuses AS (
  SELECT s.*,
    CASE WHEN mopn * 100 >= 75 * mopd OR moqn * 100 >= 50 * moqd THEN 'qp'
         WHEN mopn * 100 >= 50 * mopd OR moqn * 100 >= 35 * moqd THEN 'partial_qp' ELSE 'none' END AS mo_status,
    gtpn * 100 >= 20 * gtpd OR gtqn * 100 >= 10 * gtqd AS low,
    has AND (gtpn * 100 >= 25 * gtpd OR gtqn * 100 >= 20 * gtqd)
        AND (appn * 100 >= 75 * appd OR apqn * 100 >= 50 * apqd) AS ap_qp,
    has AND (gtpn * 100 >= 20 * gtpd OR gtqn * 100 >= 10 * gtqd)
        AND (appn * 100 >= 50 * appd OR apqn * 100 >= 35 * apqd) AS ap_partial
  FROM gated s OFFSET 0
), outcome AS (
  SELECT o.*, CASE WHEN ap_status IS NOT NULL AND (CASE ap_status WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END)
                        > (CASE mo_status WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END)
                   THEN ap_status ELSE mo_status END AS status
  FROM (SELECT st.*, CASE WHEN mo_status = 'qp' OR NOT low THEN NULL WHEN ap_qp THEN 'qp'
                          WHEN ap_partial THEN 'partial_qp' ELSE 'none' END AS ap_status
        FROM statuses st OFFSET 0) o OFFSET 0
), best AS (  -- each clinician's best record
  SELECT DISTINCT ON (npi) npi, tin, apm_entity_id, aff, participations, lvl, status, mo_status, ap_status, has,
    w_p, w_q, mopn, mopd, moqn, moqd, gtpn, gtpd, gtqn, gtqd, appn, appd, apqn, apqd,
    mo_p_nat, mo_q_nat, ap_p_nat, ap_q_nat, CASE status WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END AS rank
  FROM outcome ORDER BY npi, CASE status WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END DESC, apm_entity_id, tin
), earlier AS (  -- the best status in the current runs of the year's earlier snapshots
  SELECT d.npi, MAX(CASE d.status WHEN 'qp' THEN 2 WHEN 'partial_qp' THEN 1 ELSE 0 END) AS rank
  FROM {RESULTS} d JOIN determinations_qpdeterminationrun run ON run.id = d.run_id
  WHERE run.performance_year_id = %(year_id)s AND run.snapshot < %(snapshot)s AND run.is_current
  GROUP BY d.npi
)
SELECT %(run)s, 2026, %(snapshot)s, b.npi, b.tin, b.apm_entity_id, b.aff, b.participations, b.lvl, b.status,
  b.mo_status, b.ap_status,
  CASE GREATEST(b.rank, COALESCE(earlier.rank, 0)) WHEN 2 THEN 'qp' WHEN 1 THEN 'partial_qp' ELSE 'none' END,
  CASE WHEN b.status <> 'none' THEN (CASE WHEN b.status = b.mo_status THEN 'medicare_option' ELSE 'all_payer' END)
       WHEN b.ap_status IS NULL THEN 'below_medicare_minimum' WHEN NOT b.has THEN 'no_all_payer_data'
       ELSE 'below_all_payer_thresholds' END,
  ROUND(b.mopn * 100 / b.mopd, 9), ROUND(b.moqn * 100 / b.moqd, 9),
  ROUND(b.gtpn * 100 / b.gtpd, 9), ROUND(b.gtqn * 100 / b.gtqd, 9),
  CASE WHEN b.has THEN ROUND(b.appn * 100 / b.appd, 9) END, CASE WHEN b.has THEN ROUND(b.apqn * 100 / b.apqd, 9) END,
  b.mo_p_nat, b.mo_q_nat, CASE WHEN b.has THEN b.ap_p_nat END, CASE WHEN b.has THEN b.ap_q_nat END,
  (b.w_p OR b.w_q) AND b.ap_status IS NOT NULL, FALSE, TRUE
FROM best b LEFT JOIN earlier ON earlier.npi = b.npi
"""  # nosec B608: only this module's constant table names are formatted in; values are parameters

NARROW = """
CREATE TEMPORARY TABLE hand_written AS
WITH e AS (
  SELECT apm_entity_id,
    SUM(medicare_payment_numerator) mpn, SUM(medicare_payment_denominator) mpd,
    SUM(medicare_patient_numerator) mqn, SUM(medicare_patient_denominator) mqd,
    COALESCE(SUM(other_payment_numerator), 0) opn, COALESCE(SUM(other_payment_denominator), 0) opd,
    COALESCE(SUM(other_patient_numerator), 0) oqn, COALESCE(SUM(other_patient_denominator), 0) oqd
  FROM determinations_participationrecord
  WHERE performance_year_id = %(year_id)s AND snapshot = %(snapshot)s AND NOT affiliated_practitioner
  GROUP BY apm_entity_id
), m AS (  -- Medicare: the better of the group's and the clinician's own fraction (2026 on)
  SELECT r.npi, r.apm_entity_id, r.tin, e.opn, e.opd, e.oqn, e.oqd, e.mpn AS gpn, e.mpd AS gpd,
    e.mqn AS gqn, e.mqd AS gqd,
    CASE WHEN r.medicare_payment_numerator * e.mpd > e.mpn * r.medicare_payment_denominator
         THEN r.medicare_payment_numerator ELSE e.mpn END AS pn,
    CASE WHEN r.medicare_payment_numerator * e.mpd > e.mpn * r.medicare_payment_denominator
         THEN r.medicare_payment_denominator ELSE e.mpd END AS pd,
    CASE WHEN r.medicare_patient_numerator * e.mqd > e.mqn * r.medicare_patient_denominator
         THEN r.medicare_patient_numerator ELSE e.mqn END AS qn,
    CASE WHEN r.medicare_patient_numerator * e.mqd > e.mqn * r.medicare_patient_denominator
         THEN r.medicare_patient_denominator ELSE e.mqd END AS qd
  FROM determinations_participationrecord r JOIN e USING (apm_entity_id)
  WHERE r.performance_year_id = %(year_id)s AND r.snapshot = %(snapshot)s
), s AS (
  SELECT npi, apm_entity_id, tin,
    CASE WHEN pn * 100 >= 75 * pd OR qn * 100 >= 50 * qd THEN 2
         WHEN pn * 100 >= 50 * pd OR qn * 100 >= 35 * qd THEN 1 ELSE 0 END AS medicare,
    CASE WHEN (pn * 100 >= 25 * pd OR qn * 100 >= 20 * qd)
          AND ((gpn + opn) * 100 >= 75 * (gpd + opd) OR (gqn + oqn) * 100 >= 50 * (gqd + oqd)) THEN 2
         WHEN (pn * 100 >= 20 * pd OR qn * 100 >= 10 * qd)
          AND ((gpn + opn) * 100 >= 50 * (gpd + opd) OR (gqn + oqn) * 100 >= 35 * (gqd + oqd)) THEN 1
         ELSE 0 END AS all_payer,
    ROUND(pn * 100 / NULLIF(pd, 0), 9) AS medicare_payment_score,
    ROUND(qn * 100 / NULLIF(qd, 0), 9) AS medicare_patient_score,
    ROUND((gpn + opn) * 100 / NULLIF(gpd + opd, 0), 9) AS all_payer_payment_score,
    ROUND((gqn + oqn) * 100 / NULLIF(gqd + oqd, 0), 9) AS all_payer_patient_score
  FROM m
)
SELECT DISTINCT ON (npi) npi, apm_entity_id, tin, GREATEST(medicare, all_payer) AS status, medicare_payment_score,
  medicare_patient_score, all_payer_payment_score, all_payer_patient_score
FROM s ORDER BY npi, GREATEST(medicare, all_payer) DESC, apm_entity_id, tin
"""  # the thresholds of 2026 written in, as a person would for a one-off query


def differences(cursor, run_id: int, *, limit: int = 3) -> tuple[int, list]:
    """How many rows of the run's results and the hand-written table differ (in either direction), with a
    few of them (the batch's and the hand-written rows of the first differing NPIs) to show."""
    only = "SELECT {0} FROM {1} WHERE run_id = %(run)s EXCEPT ALL SELECT {0} FROM {2} WHERE run_id = %(run)s"
    batch_only = only.format(COLUMNS, RESULTS, HAND_TABLE)
    hand_only = only.format(COLUMNS, HAND_TABLE, RESULTS)
    query = (
        f"SELECT npi, 'batch' AS side, * FROM ({batch_only}) a "  # nosec B608: constant table and column names
        f"UNION ALL SELECT npi, 'hand-written', * FROM ({hand_only}) b ORDER BY 1, 2"
    )
    cursor.execute(f"SELECT COUNT(*) FROM ({query}) d", {"run": run_id})  # nosec B608: constant names, run id bound
    count = cursor.fetchone()[0]
    cursor.execute(f"{query} LIMIT %(limit)s", {"run": run_id, "limit": limit * 2})  # nosec B608: as the count
    return count, cursor.fetchall()
