"""A real Celery worker on the real Redis broker sends the invitation e-mail the portal queues."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.services import invitation_create
from qppportal.celery import app
from tests.support import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_worker() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the worker test needs the Redis broker")
    if connection.vendor != "postgresql":
        skip_or_fail("DATABASE_URL is not PostgreSQL: a worker process cannot see the test database")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qppportal.settings.base",
        "DATABASE_URL": database_url_for_worker(),
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qppportal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,  # this test process's own queue (see settings.test)
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    try:
        yield mail_dir
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest when the test fails


def wait_for_files(folder: Path, timeout: float = 30.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log"))
        if files:
            time.sleep(0.5)  # the file backend writes in one go, but give it a beat to finish
            return sorted(folder.glob("*.log"))
        time.sleep(0.2)
    return []


def test_worker_sends_the_invitation_email(worker, program_admin):
    invitation, token = invitation_create(
        invited_by=program_admin, email="worker.test@example.gov", staff_role="reviewer"
    )
    files = wait_for_files(worker)
    assert len(files) == 1, "the worker did not send exactly one e-mail"
    message = files[0].read_text()
    assert "To: worker.test@example.gov" in message
    assert f"/accounts/invitations/{token}/" in message
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
