"""The load proof (issue 9): payers, clinicians, reviewers and leads together, then a check of what was saved.

    .venv/bin/python bench/run_load.py [--users 200] [--spawn-rate 20] [--time 5m] [--workers 3]

1. Creates the PostgreSQL database ``BENCH_LOAD_DATABASE_URL`` (default ``qpp_bench_load``; it must
   start with ``qpp_bench``) afresh, migrates it, loads the reference data and seeds the people and
   their work (``bench/load/seed.py``).
2. Counts the rows and events the check compares, then starts gunicorn (``--workers`` gthread
   workers of 4 threads) with production settings (``bench.settings``) on PostgreSQL and Redis
   (``BENCH_REDIS_URL``).
3. Runs locust headless (``bench/load/locustfile.py``) with ``--users`` people for ``--time``.
4. Checks that the database and the event log hold exactly the work the scenario counted: every
   submit, step saved, request started, claim, findings, question and approval, once each, and
   nothing else written by the people.
5. Prints p50/p95/p99 per page, errors, the load average, and writes them to
   ``var/bench-results/load-<time>.json``. Exits non-zero on any error or mismatch.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_queue_bench import GUNICORN, PYTHON, bench_environment, free_port, machine, wait_until_up  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpp_bench_load")
LOCUST = ROOT / ".venv" / "bin" / "locust"
OUT = ROOT / "var" / "bench-results"
EDITED_NAME = "Jordan Submitter "  # the locustfile's edits: "Jordan Submitter 0", "... 1", ...


def fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    if not name.startswith("qpp_bench"):
        raise SystemExit(f"{name}: the load test's database must be named qpp_bench*; it is dropped first.")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def tally() -> dict[str, int]:
    """What the check compares: events by type, requests by state, questions and determinations."""
    from django.db.models import Count

    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import Determination, InformationRequest, Submission, SubmissionEvent

    figures = {
        f"event:{row['event_type']}": row["n"]
        for row in SubmissionEvent.objects.values("event_type").annotate(n=Count("id"))
    }
    figures |= {
        f"status:{row['status']}": row["n"] for row in Submission.objects.values("status").annotate(n=Count("id"))
    }
    # Saving a step writes no event: each payer's edits are numbered in the contact step's name.
    names = Submission.objects.filter(answers__contact__submitter_name__startswith=EDITED_NAME)
    figures["contact_step_saves"] = sum(
        int(answers["contact"]["submitter_name"].rsplit(" ", 1)[1]) + 1
        for answers in names.values_list("answers", flat=True)
    )
    figures["submissions"] = Submission.objects.count()
    figures["information_requests"] = InformationRequest.objects.count()
    figures["determinations"] = Determination.objects.count()
    return figures


def expected_changes(done: dict[str, int]) -> dict[str, int]:
    """The rows and events the counted work must have added (or moved), and nothing else."""
    submitted, started = done.get("submitted", 0), done.get("clinician_started", 0)
    claimed, findings, asked = done.get("claimed", 0), done.get("findings", 0), done.get("asked", 0)
    approved = done.get("approved", 0)
    return {
        "contact_step_saves": done.get("section_saved", 0),
        "event:submit": submitted,
        "event:draft_created": started,
        "submissions": started,
        "event:claimed": claimed,
        "event:start_review": claimed,
        "event:findings_saved": findings,
        "event:request_information": asked,
        "information_requests": asked,
        "event:approve": approved,
        "determinations": approved,
        "status:draft": started - submitted,
        "status:submitted": submitted - claimed,
        "status:in_review": claimed - asked,
        "status:information_requested": asked,
        "status:recommended": -approved,
        "status:approved": approved,
    }


def check(before: dict, after: dict, done: dict) -> list[str]:
    expected = expected_changes(done)
    problems = []
    for key in sorted(set(before) | set(after) | set(expected)):
        change = after.get(key, 0) - before.get(key, 0)
        if key in expected and change != expected[key]:
            problems.append(f"{key}: changed by {change}, the scenario did {expected[key]}")
    return problems


def percentiles(stats_csv: Path) -> list[dict]:
    rows = []
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            rows.append({
                "page": row["Name"], "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0), "p95_ms": float(row["95%"] or 0), "p99_ms": float(row["99%"] or 0),
                "rps": round(float(row["Requests/s"]), 2),
            })  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--time", default="5m")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--work", type=int, default=12, help="payers and reviewers with a request of their own")
    arguments = parser.parse_args()
    env = bench_environment() | {"DATABASE_URL": DATABASE_URL}
    fresh_database()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_reference_data")
    os.environ.update(env)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # only the seeding, in this process
    import django

    django.setup()
    from django.conf import settings

    # The seeded people sign in through sessions written directly, never with a password, so the
    # seeding hashes their unused passwords cheaply (this process only; gunicorn keeps production's).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache
    from django.db import connections

    # after django.setup(): the bench picks its database and settings at run time
    from bench.load.seed import seed

    people = seed(sys.stdout, work=arguments.work)
    cache.clear()
    before = tally()
    connections.close_all()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    OUT.mkdir(parents=True, exist_ok=True)
    people_file, counts_file = OUT / f"load-{stamp}-people.json", OUT / f"load-{stamp}-counts.json"
    people_file.write_text(json.dumps(people))
    port = free_port()
    log = open(ROOT / "var" / "bench-load-gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", str(arguments.workers), "--threads", "4", "--timeout", "120", "--keep-alive", "75",
         "--bind", f"127.0.0.1:{port}", "qppportal.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    loads = []
    try:
        wait_until_up(port, server)
        print(f"gunicorn pid {server.pid}, {arguments.workers} workers x 4 threads on 127.0.0.1:{port}")
        load_env = os.environ | {"LOAD_PEOPLE": str(people_file), "LOAD_COUNTS": str(counts_file)}
        locust = subprocess.Popen(
            [str(LOCUST), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
             "-u", str(arguments.users), "-r", str(arguments.spawn_rate), "-t", arguments.time,
             "--host", f"http://127.0.0.1:{port}", "--csv", str(OUT / f"load-{stamp}"), "--only-summary",
             "--stop-timeout", "60"],
            cwd=ROOT, env=load_env,
        )  # fmt: skip
        while locust.poll() is None:
            loads.append(os.getloadavg()[0])
            time.sleep(10)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    done = json.loads(counts_file.read_text())
    after = tally()
    problems = check(before, after, done)
    pages = percentiles(OUT / f"load-{stamp}_stats.csv")
    total = next(row for row in pages if row["page"] == "Aggregated")
    report = {
        "machine": machine(),
        "users": arguments.users,
        "time": arguments.time,
        "gunicorn": f"{arguments.workers} workers x 4 threads",
        "load_average": {"min": min(loads), "max": max(loads), "mean": round(sum(loads) / len(loads), 2)},
        "work_done": done,
        "check_problems": problems,
        "pages": pages,
    }
    (OUT / f"load-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(f"\n{'page':<32} {'requests':>8} {'fail':>5} {'p50':>7} {'p95':>7} {'p99':>7}")
    for row in pages:
        print(f"{row['page']:<32} {row['requests']:>8} {row['failures']:>5} {row['p50_ms']:>5.0f}ms "
              f"{row['p95_ms']:>5.0f}ms {row['p99_ms']:>5.0f}ms")  # fmt: skip
    print(f"\nWork done: {json.dumps(done, sort_keys=True)}")
    print(f"Load average during the run: {report['load_average']}")
    print("Database and event log: " + ("exactly the work done." if not problems else "; ".join(problems)))
    print(f"Figures: {OUT / f'load-{stamp}.json'}")
    if problems or total["failures"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
