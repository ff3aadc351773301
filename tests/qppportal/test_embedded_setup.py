"""The embedded set-up (`make run` with no DATABASE_URL or REDIS_URL): SQLite in WAL mode with a
busy timeout and the filesystem broker. The worker renders the letter of a decision and the
outbox sends the decision, and Ctrl-C on `scripts/serve` stops the web server, worker and beat."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from .processes import ROOT, mail_files, unused_port, wait_for

pytestmark = pytest.mark.services

DECIDE = textwrap.dedent(
    """
    import django
    django.setup()
    import time_machine
    from django.core.management import call_command
    from accounts.models import OrganizationKind, StaffRole
    from tests.factories import UserFactory
    from tests.review import review_support as support
    from tests.factories import organization_member as member_of
    from tests.support import MARCH_2026

    call_command("load_reference_data", verbosity=0)
    with time_machine.travel(MARCH_2026, tick=True):
        payer = member_of(OrganizationKind.PAYER, "other_payer", "Embedded Health Plan")
        reviewer = UserFactory(staff_role=StaffRole.REVIEWER)
        lead = UserFactory(staff_role=StaffRole.REVIEW_LEAD)
        submission = support.review_started(support.submitted_request(payer), reviewer)
        support.approved(submission, reviewer, lead)
    print("decided", submission.pk)
    """
)

CONCURRENT_WRITERS = textwrap.dedent(
    """
    import threading, time
    import django
    django.setup()
    from django.db import connection, transaction
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        print("journal_mode", cursor.fetchone()[0])
        cursor.execute("CREATE TABLE IF NOT EXISTS probe (n integer)")
    errors = []

    def write(n):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM probe")
                time.sleep(0.5)
                cursor.execute("INSERT INTO probe VALUES (%s)", [n])
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM probe")
        print("rows", cursor.fetchone()[0], "errors", errors)
    """
)


@pytest.fixture
def embedded_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="qppportal.settings.base",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(env, *args, timeout=300):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_two_writers_at_once_wait_their_turn_instead_of_failing(embedded_env):
    result = run(embedded_env, sys.executable, "-c", CONCURRENT_WRITERS)
    assert result.returncode == 0, result.stderr
    assert "journal_mode wal" in result.stdout
    assert "rows 4 errors []" in result.stdout, result.stdout


def test_make_run_renders_the_letter_sends_the_decision_and_stops_on_ctrl_c(embedded_env, tmp_path):
    migrated = run(embedded_env, sys.executable, "manage.py", "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    port = unused_port()
    serve = subprocess.Popen(
        [sys.executable, "scripts/serve"],
        cwd=ROOT,
        env={**embedded_env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the test's own terminal: Ctrl-C goes to this group only
    )
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), "the web server", timeout=90)
        decided = run(embedded_env, sys.executable, "-c", DECIDE)
        assert decided.returncode == 0, decided.stderr[-3000:]

        def letter():
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=30) as db:
                return db.execute("SELECT letter FROM determinations_determination WHERE letter != ''").fetchone()

        stored = wait_for(letter, "the worker to render the letter", timeout=120, every=1)
        assert (tmp_path / "media" / stored[0]).read_bytes().startswith(b"%PDF-")
        mail = wait_for(
            lambda: [f for f in mail_files(tmp_path / "mail") if "Subject: Decision:" in f.read_text()],
            "the decision e-mail",
            timeout=120,
            every=1,
        )
        assert len(mail) == 1
    finally:
        os.killpg(serve.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        output, _ = serve.communicate(timeout=60)
        print(output)
    started = [int(line.split("(pid ")[1].split(")")[0]) for line in output.splitlines() if "(pid " in line]
    assert len(started) == 3, output
    for pid in started:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "Stopped web, worker and beat." in output


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
