"""Benchmark of the background work on PostgreSQL and Redis with two Celery workers.

    .venv/bin/python bench/run_background_bench.py             # 10,000 reminders, 10,000 re-checks
    .venv/bin/python bench/run_background_bench.py --count 1000

1. Creates (or empties) the database ``qpp_bench_background`` on the local PostgreSQL
   (``BENCH_BACKGROUND_DATABASE_URL`` for another) and migrates it; starts its own redis-server
   on a spare port in a temporary folder, so the machine's shared Redis is never used.
2. Seeds ``--count`` drafts whose window closes in five days, and ``--count`` submitted requests
   of 2027: one made through the services, the rest copied in bulk (tests/jobs/support.py). Only
   the draft reminders' schedule stays enabled (the submitted requests would otherwise be owed an
   "undecided" reminder each to their reviewer and lead, sent while the re-check is timed).
3. Starts two workers (``celery worker --pool=solo --concurrency=1``), e-mail written to files in
   a temporary folder (``--keep-mail`` copies them out).
4. Reminders: queues the sweep twice at the same moment, times until no draft reminder is left
   unsent, then checks each draft got exactly one: one outbox row each, and in the e-mail files,
   parsed one by one, exactly one whole e-mail linking to each draft (distinct Message-IDs, no
   piece that does not parse).
5. Re-check: starts the ``recheck_year`` job and times until it has finished, then checks that
   every request was re-checked exactly once and the progress equals the work done.
6. With the workers stopped, measures in this one process what each item costs (``--profile``
   items): wall time, this process's CPU time and queries per item, for the batch paths the
   workers run and for the one-item paths they replaced. On a shared machine the CPU time moves
   much less than the wall time; the database's own time is in the wall time only.
"""

import argparse
import email
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_BACKGROUND_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpp_bench_background"
)


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    if not (name.startswith("qpp_") and "bench" in name):
        sys.exit(f"Refusing to recreate {name!r}: the bench only drops databases named qpp_*bench*.")
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def wait(condition, what: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.25)
    sys.exit(f"Timed out after {timeout:.0f} s waiting for {what}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--profile", type=int, default=1000, help="items measured in one process (0: none)")
    parser.add_argument("--redis-port", type=int, default=0, help="port of the bench's own redis-server (0: any spare)")
    parser.add_argument("--keep-mail", type=Path, help="copy the e-mail files here before the temporary folder goes")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is needed (apt-get install redis-server).")
    folder = Path(tempfile.mkdtemp(prefix="qpp-bench-"))
    port = args.redis_port or spare_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    mail_dir = folder / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qppportal.settings.base",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(folder / "media"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    workers = []
    try:
        recreate_database()
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        drafts, requests = seed(args.count)
        for name in ("w1", "w2"):
            # --concurrency=1: a solo worker otherwise counts the cores, and reserves that many tasks
            # (acks_late) that it can only run one after the other while the other worker may be idle.
            command = [sys.executable, "-m", "celery", "-A", "qppportal", "worker", "--pool=solo", "--concurrency=1"]
            command += [f"-n{name}@%h"]
            command += ["--without-gossip", "--without-mingle", "--loglevel=WARNING"]
            log = open(folder / f"{name}.log", "w")  # noqa: SIM115 - open for the worker's lifetime
            workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        # after django.setup(): the bench picks its database and settings at run time
        from qppportal.celery import app

        # Timing starts when both workers answer: on a loaded machine they take far longer than 5 s to start.
        wait(lambda: len(app.control.ping(timeout=1.0)) >= len(workers), "the workers to start", 300)
        report_machine()
        before = workers_cpu(workers)
        report_reminders(args.count, reminders(drafts, mail_dir))
        between = workers_cpu(workers)
        report_workers_cpu(between - before, args.count, "a reminder")
        report_recheck(args.count, recheck(requests))
        report_workers_cpu(workers_cpu(workers) - between, args.count, "a re-checked request")
        stop(workers)
        if args.profile:
            profile_in_one_process(drafts, requests, min(args.profile, args.count))
    finally:
        stop([*workers, redis])
        if args.keep_mail:
            shutil.copytree(mail_dir, args.keep_mail, dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


def workers_cpu(workers: list[subprocess.Popen]) -> float:
    """CPU seconds the workers have used so far (user and system, from /proc): what the work cost them,
    however long they waited for a core on a shared machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for worker in workers:
        fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat(5)
    return total / ticks


def stop(processes: list[subprocess.Popen]) -> None:
    """Ask each process to stop (a worker finishes its task first), and kill what is still running a minute later."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def seed(count: int) -> tuple[list[int], list[int]]:
    import datetime

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import OrganizationKind, StaffRole
    from determinations.models import SubmissionWindow
    from tests.factories import UserFactory
    from tests.factories import organization_member as member_of
    from tests.factories import submissions as support
    from tests.jobs.support import request_copies
    from tests.support import MARCH_2026

    call_command("load_reference_data", verbosity=0)
    started = time.monotonic()
    with time_machine.travel(MARCH_2026, tick=True):
        payer = member_of(OrganizationKind.PAYER, "other_payer", "Bench Health Plan")
        reviewer = UserFactory(staff_role=StaffRole.REVIEWER)
        draft = support.complete_draft(payer, name="Bench draft")
        submitted = support.review_started(support.submitted_request(payer, name="Bench request"), reviewer)
    now = timezone.now()
    SubmissionWindow.objects.filter(pk=draft.window_id).update(
        opens_at=now - datetime.timedelta(days=60), closes_at=now + datetime.timedelta(days=5)
    )
    drafts = [draft.pk, *request_copies(draft, count - 1)]
    requests = [submitted.pk, *request_copies(submitted, count - 1)]
    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import ReminderKind, ReminderSchedule
    from messaging.models import Message

    Message.objects.all().delete()  # the receipt of the seed request is not part of the figures
    # Only the draft reminders are measured. The submitted requests were submitted in March, so the
    # sweep would also owe their reviewer and each lead an "undecided" reminder (two per request),
    # which the workers would then be sending while the re-check is timed.
    ReminderSchedule.objects.exclude(kind=ReminderKind.DRAFT_WINDOW_CLOSING).update(enabled=False)
    print(
        f"seeded {len(drafts)} drafts and {len(requests)} submitted requests in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return drafts, requests


def reminders(drafts: list[int], mail_dir: Path) -> dict:
    from django.db.models import Count

    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import ReminderKind
    from determinations.tasks import reminders_sweep
    from messaging.models import Message, MessageStatus

    reminders = Message.objects.filter(kind=ReminderKind.DRAFT_WINDOW_CLOSING)
    started = time.monotonic()
    reminders_sweep.delay()
    reminders_sweep.delay()
    queued = wait(lambda: reminders.count() >= len(drafts), "the reminders to be queued", 600)
    # Done when no reminder is left to send: counting sent rows of any kind would stop early.
    elapsed = queued + wait(
        lambda: not reminders.exclude(status=MessageStatus.SENT).exists(), "the reminders to be sent", 1800
    )
    per_draft = reminders.values("object_id").annotate(n=Count("pk"))
    once = per_draft.filter(n=1).count() == len(drafts) == per_draft.count() == Message.objects.count()
    mail = reminders_in_files(mail_dir)
    files_once = mail["whole"] == len(drafts) and mail["broken"] == 0 and mail["per_draft"] == set(drafts)
    assert time.monotonic() - started >= elapsed
    return {"seconds": elapsed, "queued_seconds": queued, "exactly_once": once and files_once, **mail}


# The file backend ends each e-mail with a line of 79 dashes; a reminder links to its draft's review step.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
DRAFT_LINK = re.compile(r"/requests/(\d+)/steps/review/")


def reminders_in_files(mail_dir: Path) -> dict:
    """The reminders in the e-mail files, parsed one by one: whole ones (headers, a distinct Message-ID,
    a body linking to one draft), the drafts they link to, and any piece that does not parse whole."""
    whole, broken, message_ids, drafts = 0, 0, set(), []
    for path in sorted(mail_dir.iterdir()):
        for piece in path.read_bytes().split(SEPARATOR):
            if not piece.strip():
                continue
            parsed = email.message_from_bytes(piece)
            body = parsed.get_payload(decode=True) if not parsed.is_multipart() else None
            links = DRAFT_LINK.findall(body.decode()) if body else []
            if parsed["Message-ID"] and str(parsed["Subject"]).startswith("Due ") and len(set(links)) == 1:
                whole += 1
                message_ids.add(parsed["Message-ID"])
                drafts.append(int(links[0]))
            else:
                broken += 1
    return {
        "whole": whole,
        "broken": broken,
        "distinct_ids": len(message_ids),
        "per_draft": set(drafts) if len(drafts) == len(set(drafts)) == len(message_ids) else None,
    }


def recheck(requests: list[int]) -> dict:
    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import SubmissionEvent
    from jobs import selectors, services
    from jobs.models import Job

    started = time.monotonic()
    job = services.job_start(kind="recheck_year", parameters={"year": 2027})
    created = time.monotonic() - started
    elapsed = created + wait(lambda: not Job.objects.get(pk=job.pk).is_running, "the re-check job", 1800)
    job.refresh_from_db()
    progress = selectors.job_progress(job)
    events = SubmissionEvent.objects.filter(event_type="criteria_rechecked", payload__job=job.pk)
    once = events.count() == len(requests) == events.values("submission_id").distinct().count()
    return {
        "seconds": elapsed,
        "items_created_seconds": created,
        "exactly_once": once and progress["done"] == len(requests),
        "status": job.status,
    }


def measured(what: str, count: int, work) -> None:
    from django.db import connection

    queries = []

    def counted(execute, sql, params, many, context):  # counts every statement, however many there are
        queries.append(sql)
        return execute(sql, params, many, context)

    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counted):
        work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  {what}: {count} in {wall:.1f} s: {wall * 1000 / count:.2f} ms an item, "
        f"{cpu * 1000 / count:.2f} ms CPU of this process, {len(queries) / count:.2f} queries, "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def profile_in_one_process(drafts: list[int], requests: list[int], count: int) -> None:
    """Each path over the same ``count`` reminders and requests, in this process, one after the other."""
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection
    from django.db import transaction
    from django.utils import timezone

    # after django.setup(): the bench picks its database and settings at run time
    from determinations.services import rechecks
    from messaging.kinds import KINDS
    from messaging.models import Message, MessageStatus
    from messaging.services import messages_dispatch

    print(f"in one process, {count} items each:", flush=True)
    ids = list(Message.objects.filter(object_id__in=drafts[:count]).values_list("pk", flat=True))

    def again() -> None:
        Message.objects.filter(pk__in=ids).update(status=MessageStatus.PENDING, next_attempt_at=timezone.now())

    again()
    measured("reminders, batch dispatch", len(ids), lambda: messages_dispatch(limit=len(ids)))
    again()

    def one_row_per_transaction() -> None:  # the dispatcher before the batches, for comparison
        mail = get_connection()
        for pk in ids:
            with transaction.atomic():
                message = Message.objects.select_for_update(skip_locked=True).get(pk=pk)
                email = KINDS[message.kind].compose(message)
                EmailMessage(email.subject, email.body, to=[message.recipient], connection=mail).send()
                message.status, message.subject, message.body = MessageStatus.SENT, email.subject, email.body
                message.save(update_fields=["status", "subject", "body"])
        mail.close()

    measured("reminders, one row per transaction (before)", len(ids), one_row_per_transaction)
    keys = requests[:count]

    def in_batches() -> None:
        size = settings.JOB_BATCH_SIZE
        for start in range(0, len(keys), size):
            with transaction.atomic():
                rechecks.submissions_criteria_recheck(submission_ids=keys[start : start + size])

    def one_per_transaction() -> None:
        for pk in keys:
            with transaction.atomic():
                rechecks.submission_criteria_recheck(submission_id=pk)

    measured(f"re-check, batches of {settings.JOB_BATCH_SIZE}", len(keys), in_batches)
    measured("re-check, one request per transaction (before)", len(keys), one_per_transaction)


def report_machine() -> None:
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {load[0]:.1f} before the runs", flush=True)


def report_reminders(count: int, reminder: dict) -> None:
    print(
        f"reminders: {count} sent in {reminder['seconds']:.1f} s ({count / reminder['seconds']:.0f}/s; "
        f"queued in {reminder['queued_seconds']:.1f} s), exactly once: {reminder['exactly_once']}, "
        f"e-mails parsed whole {reminder['whole']} (distinct Message-IDs {reminder['distinct_ids']}, "
        f"not whole {reminder['broken']}), load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def report_workers_cpu(seconds: float, count: int, what: str) -> None:
    print(f"  CPU of the two workers: {seconds:.1f} s, {seconds * 1000 / count:.2f} ms {what}", flush=True)


def report_recheck(count: int, check: dict) -> None:
    print(
        f"re-check: {count} requests in {check['seconds']:.1f} s ({count / check['seconds']:.0f}/s; "
        f"items created in {check['items_created_seconds']:.1f} s), exactly once: {check['exactly_once']}, "
        f"job {check['status']}, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
