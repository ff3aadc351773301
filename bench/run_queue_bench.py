"""Every page issue 14 names, against the bare Django view: same run, same server, same settings.

    .venv/bin/python bench/run_queue_bench.py [--duration 20] [--connections 16] [--workers 2]
    .venv/bin/python bench/run_queue_bench.py --only "request page,decision,dashboard"  # those and the bare views

1. Creates the PostgreSQL database ``qpp_bench`` (``BENCH_DATABASE_URL``, any name starting with
   ``qpp_bench``) if needed, migrates it and seeds 50,000 requests (``bench/seed_queue.py``), a
   busy request, a payer with 500 requests and 5,000 published determinations
   (``bench/seed_workbench.py``). A seeded database is reused.
2. Collects static files for the manifest storage production uses (into ``var/bench-static``).
3. Signs a reviewer, a lead and a payer submitter in by writing their sessions straight into the
   session table (staff with a verified TOTP device), and passes the cookies to the load generator.
4. Starts gunicorn (2 sync workers) on 127.0.0.1 with ``bench.settings`` (production settings;
   ``SECURE_SSL_REDIRECT=false`` and ``ALLOWED_HOSTS=127.0.0.1``; ``ROOT_URLCONF=bench.urls`` adds
   the bare view; Redis from ``BENCH_REDIS_URL``), checks every URL answers 200 with the expected
   page, and warms up.
5. Loads each URL in turn with ``wrk`` (16 connections, fixed duration; a bounded Python load
   generator if ``wrk`` is missing) and prints requests per second, p99 and the share of its
   baseline: the anonymous bare view for the signed-in bare view and the public list, the
   signed-in bare view for the staff and submitter pages.
6. Stops gunicorn. Traffic goes only to 127.0.0.1 and every load lasts ``--duration`` seconds.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpp_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE = "<h1>Review queue</h1>"
ANONYMOUS, SIGNED_IN = "anonymous bare", "signed-in bare"


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    expected: str  # text the page must contain
    who: str = ""  # "", "reviewer", "lead" or "payer"
    baseline: str = ""  # the bare view it is measured against
    share: float = 0.0  # the target share of the baseline's throughput
    p99_ms: float = 0.0  # the target p99 (0: none)


def targets(ids: dict[str, int]) -> list[Target]:
    busy = ids["busy_request"]
    public = "Other Payer Advanced APMs for the"
    return [
        Target("bare Django view", "/bench/bare/", "ok"),
        Target("bare Django view, signed in", "/bench/bare/", "ok", "reviewer", ANONYMOUS, 0.5),
        Target("review queue, default view", "/review/", QUEUE, "reviewer", SIGNED_IN, 0.5, 100),
        Target("review queue, assigned to me", "/review/?mine=on", QUEUE, "reviewer", SIGNED_IN, 0.5, 100),
        Target(
            "review queue, all statuses, 2026, page 20",
            "/review/?status=all&year=2026&sort=-submitted&page=20",
            QUEUE,
            "reviewer",
            SIGNED_IN,
            0.5,
            100,
        ),
        Target("review queue, search, 2 words", "/review/?q=entity+0042", QUEUE, "reviewer", SIGNED_IN, 0.5, 100),
        Target(
            "review queue, search, 10,000 matches",
            "/review/?status=all&q=medical+home",
            QUEUE,
            "reviewer",
            SIGNED_IN,
            0.5,
            100,
        ),
        Target(
            "request page (reviewer)",
            f"/review/requests/{busy}/",
            "Bench Busy Request",
            "reviewer",
            SIGNED_IN,
            0.4,
            150,
        ),
        Target("decision page (lead)", f"/review/requests/{busy}/decide/", "<h1>Decide:", "lead", SIGNED_IN, 0.4, 150),
        Target(
            "payer dashboard, 500 requests", "/dashboard/", "Your determination requests", "payer", SIGNED_IN, 0.4, 150
        ),
        Target("public list page, 5,000 APMs", "/advanced-apms/", public, "", ANONYMOUS, 0.5),
        Target("public list CSV, 5,000 APMs", "/advanced-apms/list.csv", "arrangement,payer"),
        Target("public list JSON, 5,000 APMs", "/advanced-apms/list.json", '"apms": ['),
    ]


def bench_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        SECRET_KEY=secrets.token_hex(32),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        EMAIL_URL="consolemail://",
        SECURE_SSL_REDIRECT="false",
        ROOT_URLCONF="bench.urls",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
    )
    return env


def create_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def manage(env, *args) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env, count: int) -> tuple[dict[str, str], dict[str, int]]:
    """Migrate, seed, collect static files; return each role's cookie header and the seeded ids."""
    create_database()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    os.environ.update(env)
    # Only this process (the seeding) runs Celery tasks in-process; gunicorn gets ``env``.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache

    # after django.setup(): the bench picks its database and settings at run time
    from bench.seed_queue import REVIEWER_EMAIL, seed
    from bench.seed_workbench import LEAD_EMAIL, PAYER_EMAIL, seed_workbench

    seed(count)
    ids = seed_workbench(reviewer_email=REVIEWER_EMAIL.format(1))
    cache.clear()  # the bench's own Redis database: no page or count cached from an earlier run
    cookies = {
        "": "",
        "reviewer": session_cookie(REVIEWER_EMAIL.format(1)),
        "lead": session_cookie(LEAD_EMAIL),
        "payer": session_cookie(PAYER_EMAIL),
    }
    from django.db import connections

    connections.close_all()
    return cookies, ids


def session_cookie(email: str) -> str:
    """A signed-in session for ``email``, verified with a TOTP device when the user is CMS staff."""
    # Imported here: this script configures Django (django.setup) before it may import models.
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.staff_role:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Bench authenticator", defaults={"confirmed": True}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, cookie: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited; see var/bench-gunicorn.log")
        try:
            if fetch(port, "/bench/bare/", "")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit("gunicorn did not answer within 60 seconds")


def check_pages(port: int, cookies: dict[str, str], pages: list[Target]) -> None:
    for page in pages:
        status, body = fetch(port, page.path, cookies[page.who])
        if status != 200 or page.expected not in body:
            raise SystemExit(f"{page.label} ({page.path}) answered {status} without {page.expected!r}: signed in?")
        heading = re.search(r'<h2 id="results-heading"[^>]*>([^<]+)', body)
        rows = body.count("<tr>") - 1 if "queue" in page.label else 0
        print(
            f"  {page.label}: 200, {len(body):,} bytes{f', {heading.group(1).strip()}, {rows} rows' if heading else ''}"
        )


def _milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        command[-1:-1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99_ms": _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def run_python_load(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict:
    """A bounded fallback when ``wrk`` is not installed: ``connections`` threads for ``duration`` s."""
    port = int(url.split(":")[2].split("/")[0])
    path = "/" + url.split("/", 3)[3]
    latencies: list[float] = []
    failures = [0]
    stop = time.monotonic() + duration

    def worker():
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _ = fetch(port, path, cookie)
            except OSError:
                status = 0
            latencies.append((time.perf_counter() - started) * 1000)
            failures[0] += status != 200

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    ordered = sorted(latencies)
    return {
        "requests_per_second": len(ordered) / duration,
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1],
        "requests": len(ordered),
        "non_2xx": failures[0],
        "socket_errors": "",
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    import django

    return {
        "date": time.strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip(),
        "load_generator": "wrk" if shutil.which("wrk") else "python threads",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per URL (at most 120)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--count", type=int, default=50_000, help="submissions in the database")
    parser.add_argument(
        "--only",
        default="",
        help="only the pages whose label contains one of these, comma-separated (and the bare views)",
    )
    arguments = parser.parse_args()
    duration = max(1, min(arguments.duration, 120))
    load_before = os.getloadavg()[0]
    env = bench_environment()
    cookies, ids = prepare(env, arguments.count)
    bare_views, others = targets(ids)[:2], targets(ids)[2:]  # the bare views are every ratio's baselines
    wanted = arguments.only.split(",")
    pages = bare_views + [page for page in others if any(word in page.label for word in wanted)]
    if load_before > 0.5:
        print(f"WARNING: load average {load_before:.2f} before the run: other work will skew the figures.")
    port = free_port()
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", str(arguments.workers), "--bind", f"127.0.0.1:{port}", "qppportal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    load = run_wrk if shutil.which("wrk") else run_python_load
    results = []
    try:
        wait_until_up(port, server)
        print(f"gunicorn pid {server.pid}, {arguments.workers} workers on 127.0.0.1:{port}")
        check_pages(port, cookies, pages)
        for page in pages:
            url, session = f"http://127.0.0.1:{port}{page.path}", cookies[page.who]
            warm_up = min(3, duration)
            load(url, session, duration=warm_up, connections=arguments.connections, threads=arguments.threads)
            result = load(url, session, duration=duration, connections=arguments.connections, threads=arguments.threads)
            results.append({"label": page.label, "path": page.path, **result})
            print(
                f"  {page.label:<42} {result['requests_per_second']:>8.0f} req/s   p50 {result['p50_ms']:>6.1f} ms   "
                f"p99 {result['p99_ms']:>6.1f} ms   ({result['requests']} requests, {result['non_2xx']} not 2xx)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    report = {
        "machine": machine(),
        "duration_s": duration,
        "connections": arguments.connections,
        "gunicorn_workers": arguments.workers,
        "load_average_before": round(load_before, 2),
        "results": results,
    }
    baselines = {ANONYMOUS: results[0]["requests_per_second"], SIGNED_IN: results[1]["requests_per_second"]}
    for page, result in zip(pages, results, strict=True):
        if not page.baseline:
            continue
        ratio = result["requests_per_second"] / baselines[page.baseline]
        met = ratio >= page.share and (not page.p99_ms or result["p99_ms"] < page.p99_ms) and not result["non_2xx"]
        goal = f">= {page.share:.0%}" + (f", p99 < {page.p99_ms:.0f} ms" if page.p99_ms else "")
        print(f"  {page.label}: {ratio:.0%} of {page.baseline} ({goal}) -> {'meets' if met else 'MISSES'} target")
        result.update(baseline=page.baseline, share=round(ratio, 3), target=goal, meets_target=met)
    out = ROOT / "var" / "bench-results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"queue-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"Results: {path.relative_to(ROOT)} (load average before the run: {load_before:.2f})")


if __name__ == "__main__":
    main()
