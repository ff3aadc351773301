"""Processes the task tests start for themselves: a Redis server on a spare port, Celery workers
and beat against the test database. The machine's shared Redis and PostgreSQL are never touched.

A process's output goes to a file, never to a pipe: a pipe nobody reads holds 64 KiB, and a worker
that logs one line per e-mail would block on its five-hundredth line until the test stops it.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from qppportal.celery import app
from tests.support import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("DATABASE_URL is not PostgreSQL: a worker process cannot see the test database")


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class RedisServer:
    """A redis-server of the test's own, without persistence, that the test may stop and start again."""

    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            skip_or_fail("redis-server is not installed: the fault tests start their own Redis")
        self.folder, self.port, self.process = folder, unused_port(), None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _accepts(self.port), "own redis-server to accept connections")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def wait_for(condition, what: str, timeout: float = 60.0, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def celery_env(*, mail_dir: Path, broker_url: str | None = None, **extra: str) -> dict:
    broker_url = broker_url or settings.REDIS_URL
    if not broker_url:
        skip_or_fail("REDIS_URL is not set: the worker tests need a Redis broker")
    require_postgresql()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qppportal.settings.base",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash
        "CONN_MAX_AGE": "0",
        # The worker takes and sends tasks on this test process's own queue (settings.test).
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **extra,
    }


def logged(command: list[str], **options) -> subprocess.Popen:
    """Start ``command`` with its output written to a file of its own, which ``stop`` returns."""
    log = tempfile.NamedTemporaryFile(prefix="qpp-process-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)
    log.close()  # the child holds its own descriptor
    process.log_path = Path(log.name)
    return process


def celery_worker(env: dict, *, name: str = "w1", pool: str = "solo", concurrency: int = 1) -> subprocess.Popen:
    return logged(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qppportal",
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            f"--hostname={name}@%h",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            env["CELERY_QUEUE"],
        ],
        cwd=ROOT,
        env=env,
    )


def celery_beat(env: dict, folder: Path) -> subprocess.Popen:
    return logged(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qppportal",
            "beat",
            "--loglevel=INFO",
            f"--schedule={folder / 'celerybeat-schedule'}",
            f"--pidfile={folder / 'beat.pid'}",
        ],
        cwd=ROOT,
        env=env,
    )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    """Stop a process this test started and return what it printed (pytest shows it on failure)."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    output = process.log_path.read_text(errors="replace")
    process.log_path.unlink()
    return output


def mail_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.log"))


@contextmanager
def publishing_to(broker_url: str):
    """This test process queues its tasks on ``broker_url`` for a real worker (not in-process)."""
    previous = app.conf.broker_url
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    _reconnect()
    try:
        yield
    finally:
        app.conf.update(broker_url=previous, task_always_eager=True)
        _reconnect()


def _reconnect() -> None:
    """Drop Celery's cached connection and producer pools, so the next publish uses the broker now set."""
    app._pool = None
    app.amqp._producer_pool = None
