"""The QP batch on 1,000,000 clinician records against one hand-written SQL statement, same run.

    .venv/bin/python bench/run_qp_bench.py [--rows 1000000] [--year 2026]

1. Writes a participation CSV of ``--rows`` rows (25 clinicians per APM Entity, three in five with
   other-payer figures, a tenth asking for TIN or clinician level) to ``var/bench-qp/``, streamed.
2. In a fresh process: loads it through ``participation_file_load`` (every row checked, ``COPY``
   into the staging table, then into ``ParticipationRecord``) and reports the time and the peak
   resident memory of the process against its memory before the load.
3. In another fresh process: runs ``qp_batch_run`` (the set-based path: the run's group totals, then
   the clinicians in parts of ``PART_RECORDS`` as the job's determine stages, then publish) and, in
   the same process, two hand-written statements (``qp_hand_written.py``): ``FULL``, one statement
   doing the batch's arithmetic for the bench's data into a table like the results table (same
   columns and indexes), whose rows must equal the batch run's (compared row by row: the bench
   stops if any differ), and ``NARROW``, the earlier baseline (the 2026 entity-level arithmetic
   only, 8 columns into a temporary table). Each ``--rounds`` times (2), alternating, with the batch's session
   settings; reports the best time of each, both ratios, the peak memory and the load average.

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
sys.path.insert(0, str(ROOT))

from bench.qp_hand_written import FULL, HAND_TABLE, NARROW, RESULTS_LIKE, differences  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "var" / "bench-qp"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpp_qp_bench")
CLINICIANS_PER_ENTITY = 25


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
    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import PerformanceYear

    return PerformanceYear.objects.get(year=year)


def step_load(path: Path, year: int) -> dict:
    performance_year = _django(year)
    # after django.setup(): the bench picks its database and settings at run time
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


def _timed(cursor, statement: str, values: dict) -> float:
    """One statement in its own transaction, with the batch's session settings (``qp_batch_sql._settings``)."""
    cursor.execute("BEGIN")
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '64MB'")
    started = time.perf_counter()
    cursor.execute(statement, values)
    cursor.execute("COMMIT")
    return time.perf_counter() - started


def step_batch(year: int, rounds: int) -> dict:
    performance_year = _django(year)
    from django.db import connection

    # after django.setup(): the bench picks its database and settings at run time
    from determinations.services.qp_batch import qp_batch_run, qp_run_create

    before = peak_rss_mb()
    batch, full, narrow, clinicians = [], [], [], 0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE determinations_participationrecord")
        cursor.execute(f"DROP TABLE IF EXISTS {HAND_TABLE}")
        cursor.execute(RESULTS_LIKE)
    for _ in range(rounds):
        run = qp_run_create(performance_year=performance_year, snapshot=1)
        started = time.perf_counter()
        clinicians = qp_batch_run(run_id=run.pk, set_based=True).clinicians
        batch.append(time.perf_counter() - started)
        values = {"year_id": performance_year.pk, "snapshot": 1, "run": run.pk}
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {HAND_TABLE}")
            full.append(_timed(cursor, FULL, values))
            count, shown = differences(cursor, run.pk)
            if count:
                raise SystemExit(f"the hand-written statement and the batch differ on {count} rows, e.g. {shown}")
            cursor.execute("DROP TABLE IF EXISTS hand_written")
            narrow.append(_timed(cursor, NARROW, values))
            cursor.execute("SELECT COUNT(*) FROM hand_written")
            assert cursor.fetchone()[0] == clinicians
    return {"clinicians": clinicians, "batch_seconds": [round(s, 1) for s in batch],
            "full_hand_written_seconds": [round(s, 1) for s in full], "ratio_full": round(min(batch) / min(full), 2),
            "narrow_hand_written_seconds": [round(s, 1) for s in narrow],
            "ratio_narrow": round(min(batch) / min(narrow), 2), "rows_compared": clinicians,
            "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "loadavg": Path("/proc/loadavg").read_text().split()[:3]}  # fmt: skip


def _child(step: str, *args: str) -> dict:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="qppportal.settings.test")
    env.pop("REDIS_URL", None)
    done = subprocess.run([str(PYTHON), __file__, "--step", step, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:  # the step's own message (e.g. the rows that differ), not only its exit status
        raise SystemExit(f"step {step} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    parser.add_argument("--rounds", type=int, default=2, help="Times each is run, alternating (best counts).")
    parser.add_argument("--no-load", action="store_true", help="Keep the records a previous run loaded.")
    options = parser.parse_args()
    if options.step == "load":
        print(json.dumps(step_load(Path(options.file), options.year)))
        return
    if options.step == "batch":
        print(json.dumps(step_batch(options.year, options.rounds)))
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
    print("batch:", _child("batch", "--year", str(options.year), "--rounds", str(options.rounds)))


if __name__ == "__main__":
    main()
