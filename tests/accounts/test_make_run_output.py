"""Finding 4 of issue 11: `make run` prints the demo accounts once and the address it really serves,
e-mail links follow PORT, what tasks print is logged at INFO, and e-mails show years as words."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from qppportal.celery import app
from tests.factories import SubmissionFactory
from tests.support import MARCH_2026

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")} | env
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_lists_the_demo_accounts_once():
    recipe = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    serve = (ROOT / "scripts" / "serve").read_text()
    commands = [line for line in (recipe + serve).splitlines() if "load_demo_data" in line and not line.startswith("#")]
    listing = [line for line in commands if "--quiet" not in line]
    assert len(listing) == 1, commands
    assert 'echo "Open http' not in serve


def test_the_address_printed_and_linked_follows_port():
    printed = manage("load_demo_data", "--only-print", PORT="8123")
    assert printed.count("payer.admin@demo.example") == 1
    assert printed.strip().endswith("Open http://127.0.0.1:8123/")
    site_url = manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", PORT="8123")
    assert site_url.strip().splitlines()[-1] == "http://127.0.0.1:8123"


def test_what_tasks_print_is_logged_at_info():
    assert app.conf.worker_redirect_stdouts_level == "INFO"


@pytest.mark.django_db
def test_the_receipt_lists_the_years_in_words(reference_data, settings, tmp_path, django_capture_on_commit_callbacks):

    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "http://127.0.0.1:8123"
    with time_machine.travel(MARCH_2026, tick=True), django_capture_on_commit_callbacks(execute=True):
        submission = SubmissionFactory(years=2)
    body = mail.outbox[-1].body
    assert "Performance years: 2027, 2028" in body
    assert "[" not in body
    assert re.search(rf"http://127\.0\.0\.1:8123/requests/{submission.pk}/", body)
