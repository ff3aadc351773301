"""The QP batch on 1,000,000 clinician records against one hand-written SQL statement, same run.

    .venv/bin/python bench/run_qp_bench.py [--rows 1000000] [--year 2026]

1. Writes a participation CSV of ``--rows`` rows (25 clinicians per APM Entity, three in five with
   other-payer figures, a tenth asking for TIN or clinician level) to ``var/bench-qp/``, streamed.
2. In a fresh process: loads it through ``participation_file_load`` (every row checked, ``COPY``
   into the staging table, then into ``ParticipationRecord``) and reports the time and the peak
   resident memory of the process against its memory before the load.
3. In another fresh process: runs ``qp_batch_run`` (the set-based path: the run's group totals, then
   the clinicians in parts of ``PART_RECORDS`` as the job's determine stages, then publish) and, in the same process,
   one hand-written statement doing the same arithmetic for 2026 (group sums, the better of the
   group's and the clinician's Medicare fraction, Medicare Option and entity-level All-Payer
   statuses with the Medicare minimums, four scores, the best record per NPI) into a temporary
   table; each twice, alternating, and reports the best time of each, their ratio and the peak
   memory. The hand-written statement leaves out what only the batch does: TIN and clinician
   levels with the weighted score, Affiliated Practitioners, the best status over snapshots, the
   reasons and provisional flags, and writing into an indexed table.

Uses the PostgreSQL database ``qpp_qp_bench`` (``BENCH_DATABASE_URL``), which it creates and
migrates; nothing else is touched. The machine is shared: run it when it is quiet and repeat.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "var" / "bench-qp"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpp_qp_bench")
CLINICIANS_PER_ENTITY = 25

HAND_WRITTEN = """
CREATE TEMPORARY TABLE hand_written AS
WITH e AS (
  SELECT apm_entity_id,
    SUM(medicare_payment_numerator) mpn, SUM(medicare_payment_denominator) mpd,
    SUM(medicare_patient_numerator) mqn, SUM(medicare_patient_denominator) mqd,
    COALESCE(SUM(other_payment_numerator), 0) opn, COALESCE(SUM(other_payment_denominator), 0) opd,
    COALESCE(SUM(other_patient_numerator), 0) oqn, COALESCE(SUM(other_patient_denominator), 0) oqd
  FROM determinations_participationrecord
  WHERE performance_year_id = %(year_id)s AND snapshot = 1 AND NOT affiliated_practitioner
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
  WHERE r.performance_year_id = %(year_id)s AND r.snapshot = 1
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


def npi(n: int) -> str:
    """The n-th valid NPI: nine digits from ``n`` and the Luhn check digit over 80840 + those digits."""
    base = f"1{n:08d}"
    total = 0
    for position, char in enumerate(reversed("80840" + base + "0")):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return base + str((10 - total % 10) % 10)


def generate(path: Path, rows: int) -> None:
    rng = random.Random(2026)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["npi", "tin", "apm_entity_id", "affiliated_practitioner", "all_payer_level",
             "medicare_payment_numerator", "medicare_payment_denominator", "medicare_patient_numerator",
             "medicare_patient_denominator", "other_payment_numerator", "other_payment_denominator",
             "other_patient_numerator", "other_patient_denominator"]
        )  # fmt: skip
        for n in range(rows):
            entity = n // CLINICIANS_PER_ENTITY
            pay_d = rng.randint(10_000, 2_000_000)
            pat_d = rng.randint(50, 3_000)
            row = [npi(n), f"{entity % 900_000_000 + 100_000_000}", f"E{entity:07d}",
                   "Y" if rng.random() < 0.02 else "N", rng.choice(["entity"] * 9 + ["tin", "clinician"][: 1 + n % 2]),
                   f"{rng.randint(0, pay_d)}.00", f"{pay_d}.00", rng.randint(0, pat_d), pat_d]  # fmt: skip
            if rng.random() < 0.6:
                other_d, other_pd = rng.randint(10_000, 3_000_000), rng.randint(50, 5_000)
                row += [f"{rng.randint(0, other_d)}.00", f"{other_d}.00", rng.randint(0, other_pd), other_pd]
            else:
                row += ["", "", "", ""]
            writer.writerow(row)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django(year: int):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from determinations.models import PerformanceYear

    return PerformanceYear.objects.get(year=year)


def step_load(path: Path, year: int) -> dict:
    performance_year = _django(year)
    from determinations.services.qp_participation import participation_file_load

    before = peak_rss_mb()
    errors = []
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as lines:
        report = participation_file_load(
            lines=lines, performance_year=performance_year, snapshot=1,
            errors=lambda line, reason: errors.append((line, reason)) if len(errors) < 5 else None,
        )  # fmt: skip
    seconds = time.perf_counter() - started
    assert report.clean, errors
    return {"rows": report.rows_loaded, "seconds": round(seconds, 1), "rss_before_mb": round(before, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1), "file_mb": round(path.stat().st_size / 2**20, 1)}  # fmt: skip


def step_batch(year: int) -> dict:
    performance_year = _django(year)
    from django.db import connection

    from determinations.services.qp_batch import qp_batch_run, qp_run_create

    before = peak_rss_mb()
    batch, hand, clinicians = [], [], 0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE determinations_participationrecord")
    for _ in range(2):
        run = qp_run_create(performance_year=performance_year, snapshot=1)
        started = time.perf_counter()
        clinicians = qp_batch_run(run_id=run.pk, set_based=True).clinicians
        batch.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS hand_written")
            started = time.perf_counter()
            cursor.execute(HAND_WRITTEN, {"year_id": performance_year.pk})
            hand.append(time.perf_counter() - started)
            cursor.execute("SELECT COUNT(*) FROM hand_written")
            assert cursor.fetchone()[0] == clinicians
    return {"clinicians": clinicians, "batch_seconds": [round(s, 1) for s in batch],
            "hand_written_seconds": [round(s, 1) for s in hand], "ratio": round(min(batch) / min(hand), 2),
            "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}  # fmt: skip


def _child(step: str, *args: str) -> dict:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="qppportal.settings.test")
    env.pop("REDIS_URL", None)
    output = subprocess.run([str(PYTHON), __file__, "--step", step, *args], env=env, cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def _create_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    # The benchmark's own database, named in the DATABASE_URL its operator set; psql -c takes no parameters.
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # nosec B608
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(["psql", server, "-tAc", query], capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--step", choices=["load", "batch"])
    parser.add_argument("--file")
    parser.add_argument("--no-load", action="store_true", help="Keep the records a previous run loaded.")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if options.step == "load":
        print(json.dumps(step_load(Path(options.file), options.year)))
        return
    if options.step == "batch":
        print(json.dumps(step_batch(options.year)))
        return
    _create_database()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"participation-{options.rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        generate(path, options.rows)
        print(f"generated {path} in {time.perf_counter() - started:.0f} s")
    if not options.no_load:
        print("load:", _child("load", "--file", str(path), "--year", str(options.year)))
    print("batch:", _child("batch", "--year", str(options.year)))


if __name__ == "__main__":
    main()
