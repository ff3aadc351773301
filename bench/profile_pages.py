"""Time each page of ``run_queue_bench.py`` in one process, one request after another, with its query count.

    .venv/bin/python bench/profile_pages.py [--requests 50] [--only queue,dashboard] [--profile]

Run it after ``run_queue_bench.py`` has seeded the database. With no server, no load generator and
no concurrency, the figures (milliseconds of one request, as Django's test client sees it, and the
CPU time of this process alone, which excludes PostgreSQL's and Redis's) move less than throughput
when other work shares the machine; the shares are of CPU time, and the ratios between pages are
what to compare. The query count and the Redis round trips are of one more request. Each page is
requested three times first (sessions, caches, connections warm). ``--profile`` prints each page's
queries and its 25 costliest functions (cProfile, cumulative time), to see where its time goes.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (at most 1,000)")
    parser.add_argument(
        "--only",
        default="",
        help="only the pages whose label contains one of these, comma-separated (the bare views always)",
    )
    parser.add_argument("--profile", action="store_true", help="print each page's costliest functions and its queries")
    arguments = parser.parse_args()
    count = max(1, min(arguments.requests, 1000))
    sys.path.insert(0, str(ROOT))
    # once the project root is on sys.path (the script is run from anywhere)
    from bench.run_queue_bench import bench_environment, session_cookie, targets

    os.environ.update(bench_environment(), ALLOWED_HOSTS="127.0.0.1,testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from redis.connection import Connection

    sent = []
    send = Connection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    # Every Redis round trip (a command, a pipeline or a script) is one send.
    Connection.send_packed_command = counted

    # after django.setup(): the bench picks its database and settings at run time
    from bench.seed_queue import REVIEWER_EMAIL
    from bench.seed_workbench import LEAD_EMAIL, PAYER_EMAIL, seed_workbench

    cookies = {
        "": "",
        "reviewer": session_cookie(REVIEWER_EMAIL.format(1)),
        "lead": session_cookie(LEAD_EMAIL),
        "payer": session_cookie(PAYER_EMAIL),
    }
    timings = {}
    for page in targets(seed_workbench(reviewer_email=REVIEWER_EMAIL.format(1))):
        if not any(word in page.label for word in arguments.only.split(",")) and not page.label.startswith("bare"):
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if cookies[page.who]:
            name, value = cookies[page.who].split("=", 1)
            client.cookies[name] = value
        for _ in range(3):
            response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
            b"".join(response.streaming_content) if response.streaming else response.content
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(count):
            response = client.get(page.path)
            b"".join(response.streaming_content) if response.streaming else response.content
        milliseconds = (time.perf_counter() - started) / count * 1000
        cpu = (time.process_time() - cpu_started) / count * 1000
        sent.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
            b"".join(response.streaming_content) if response.streaming else response.content
        timings[page.label] = cpu
        base = {"anonymous bare": "bare Django view", "signed-in bare": "bare Django view, signed in"}
        share = f"   {timings[base[page.baseline]] / cpu:>4.0%} of {page.baseline}" if page.baseline else ""
        print(
            f"  {page.label:<42} {milliseconds:>8.2f} ms {cpu:>7.2f} ms CPU  {len(queries):>2} queries "
            f"{len(sent):>2} Redis round trips{share}"
        )
        if arguments.profile and not page.label.startswith("bare"):
            for query in queries.captured_queries:
                print(f"    {query['time']} s  {query['sql'][:160]}")
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(count):
                response = client.get(page.path)
                b"".join(response.streaming_content) if response.streaming else response.content
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    print(f"load average now: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
