"""The embedded set-up (`make run` with no DATABASE_URL or REDIS_URL): SQLite in WAL mode with a
busy timeout and the filesystem broker, everything the portal writes in a temporary folder
(VAR_DIR). On it `scripts/serve` sends a due reminder exactly once, runs a re-check job to the
end, renders the letter of a decision a lead makes over HTTP and sends the decision, and Ctrl-C
stops the web server, worker and beat."""

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import urllib.parse
import urllib.request

import pytest
from django_otp.oath import totp

from .processes import ROOT, logged, mail_files, unused_port, wait_for

pytestmark = pytest.mark.services

LEAD_EMAIL, LEAD_PASSWORD, LEAD_TOTP_KEY = "lead@embedded.example.gov", "embedded-lead-password", "3132333435" * 4

# Run in the embedded set-up's own process, as a web request would: the tasks it queues go to the
# filesystem broker, where the worker that `scripts/serve` started takes them.
SET_UP = textwrap.dedent(
    f"""
    import datetime
    import django
    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from accounts.models import OrganizationKind, StaffRole
    from determinations.models import SubmissionWindow
    from determinations.tasks import reminders_sweep
    from jobs import services as jobs
    from tests.factories import UserFactory
    from tests.factories import organization_member as member_of
    from tests.jobs.support import request_copies
    from tests.factories import submissions as support
    from tests.support import MARCH_2026

    call_command("load_reference_data", verbosity=0)
    with time_machine.travel(MARCH_2026, tick=True):
        payer = member_of(OrganizationKind.PAYER, "other_payer", "Embedded Health Plan")
        reviewer = UserFactory(staff_role=StaffRole.REVIEWER)
        lead = UserFactory(staff_role=StaffRole.REVIEW_LEAD, email="{LEAD_EMAIL}")
        lead.set_password("{LEAD_PASSWORD}")
        lead.save()
        TOTPDevice.objects.create(user=lead, name="Embedded authenticator", key="{LEAD_TOTP_KEY}", confirmed=True)
        decided = support.recommended(support.review_started(support.submitted_request(payer), reviewer), reviewer)
        draft = support.complete_draft(payer, name="Embedded draft")
    now = timezone.now()  # the window closes in five days, by the real clock the worker runs on
    SubmissionWindow.objects.filter(pk=draft.window_id).update(
        opens_at=now - datetime.timedelta(days=60), closes_at=now + datetime.timedelta(days=5)
    )
    request_copies(decided, 11)
    reminders_sweep.delay()
    reminders_sweep.delay()
    job = jobs.job_start(kind="recheck_year", parameters={{"year": 2027}}, chunk_size=5)
    print("recommended", decided.pk, "job", job.pk)
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
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),  # broker folders, var/mail/, uploads: this test's own
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


def test_make_run_sends_a_reminder_once_runs_a_job_renders_a_letter_decided_over_http_and_stops_on_ctrl_c(
    embedded_env, tmp_path
):
    migrated = run(embedded_env, sys.executable, "manage.py", "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    port = unused_port()
    serve = logged(
        [sys.executable, "scripts/serve"],
        cwd=ROOT,
        env={**embedded_env, "PORT": str(port)},
        start_new_session=True,  # the test's own terminal: Ctrl-C goes to this group only
    )
    var = tmp_path / "var"
    site = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{site}/"), "the web server", timeout=90)
        set_up = run(embedded_env, sys.executable, "-c", SET_UP)
        assert set_up.returncode == 0, set_up.stderr[-3000:]
        words = set_up.stdout.split()
        recommended, job = int(words[words.index("recommended") + 1]), int(words[words.index("job") + 1])

        def database(query, *params):
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=30) as db:
                return db.execute(query, params).fetchone()

        def reminders() -> int:
            return sum(f.read_text().count("submit your request for Embedded draft") for f in mail_files(var / "mail"))

        wait_for(reminders, "the reminder e-mail in var/mail/", timeout=180, every=1)
        finished = "SELECT status FROM jobs_job WHERE id = ? AND status != 'running'"
        assert wait_for(lambda: database(finished, job), "the re-check job", timeout=180, every=1) == ("succeeded",)
        assert database("SELECT count(*) FROM jobs_jobitem WHERE job_id = ? AND status = 'done'", job) == (12,)

        lead = _signed_in(site)
        _post_form(lead, f"{site}/review/requests/{recommended}/decide/", {"decision": "approve", "reason": ""})
        stored = wait_for(
            lambda: database("SELECT letter FROM determinations_determination WHERE letter != ''"),
            "the worker to render the letter",
            timeout=120,
            every=1,
        )
        assert (var / "uploads" / stored[0]).read_bytes().startswith(b"%PDF-")
        mail = wait_for(
            lambda: [f for f in mail_files(var / "mail") if "Subject: Decision:" in f.read_text()],
            "the decision e-mail",
            timeout=120,
            every=1,
        )
        assert len(mail) == 1
        pending = "SELECT count(*) FROM messaging_message WHERE status = 'pending'"
        wait_for(lambda: database(pending) == (0,), "an empty outbox", timeout=120, every=1)
        assert reminders() == 1
    finally:
        os.killpg(serve.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        serve.wait(timeout=60)
        output = serve.log_path.read_text()
        print(output)
    started = [int(line.split("(pid ")[1].split(")")[0]) for line in output.splitlines() if "(pid " in line]
    assert len(started) == 3, output
    for pid in started:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "Stopped web, worker and beat." in output


def _signed_in(site: str) -> urllib.request.OpenerDirector:
    """The lead signed in over HTTP: e-mail and password, then the authenticator's current code."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _post_form(browser, f"{site}/accounts/login/", {"username": LEAD_EMAIL, "password": LEAD_PASSWORD})
    code = f"{totp(bytes.fromhex(LEAD_TOTP_KEY)):06d}"
    page = _post_form(browser, f"{site}/accounts/mfa/verify/", {"code": code})
    assert "/review/" in page.geturl(), page.read().decode()[-2000:]
    return browser


def _post_form(browser, url: str, fields: dict):
    """Load the form's page for its CSRF token, then post it as a browser would (following the redirect)."""
    with browser.open(url, timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    response = browser.open(request, timeout=60)
    assert response.status == 200
    return response


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
