"""Production settings refuse to start without their secrets, and the models have all their migrations.

That the production settings pass `check --deploy` is tests/hygiene/test_check_deploy.py.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def manage(*args, **env_overrides):
    # The browser tests allow sync ORM calls beside Playwright's loop; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env_overrides
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    dotenv = Path(settings.BASE_DIR) / ".env"
    if dotenv.exists() and "SECRET_KEY" in dotenv.read_text():
        pytest.skip("a local .env sets SECRET_KEY")
    env = {"DJANGO_SETTINGS_MODULE": "qppportal.settings.production", "ALLOWED_HOSTS": "portal.example.gov"}
    result = subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        capture_output=True,
        text=True,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "SECRET_KEY"},
        cwd=settings.BASE_DIR,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_no_model_changes_are_missing_a_migration():
    result = manage("makemigrations", "--check", "--dry-run", DJANGO_SETTINGS_MODULE="qppportal.settings.test")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("missing", ["SITE_URL", "EMAIL_URL", "DATABASE_URL", "REDIS_URL"])
def test_production_settings_require_the_site_address_mail_server_database_and_broker(missing):
    env = {
        "DJANGO_SETTINGS_MODULE": "qppportal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.gov",
        "SITE_URL": "https://portal.example.gov",
        "EMAIL_URL": "smtp+tls://smtp.example.gov:587",
        "DATABASE_URL": "postgres://portal@db.example.gov/portal",
        "REDIS_URL": "redis://redis.example.gov:6379/0",
    }
    del env[missing]
    result = subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        capture_output=True,
        text=True,
        env={k: v for k, v in {**os.environ, **env}.items() if k != missing},
    )
    assert result.returncode != 0
    assert missing in result.stderr


def test_demo_data_is_refused_under_production_settings():
    result = manage(
        "load_demo_data",
        DJANGO_SETTINGS_MODULE="qppportal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.gov",
        SITE_URL="https://portal.example.gov",
        EMAIL_URL="smtp+tls://smtp.example.gov:587",
        DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    assert result.returncode != 0
    assert "Demo accounts have published passwords" in result.stderr


def _python(code: str, **env_overrides):
    """Run ``code`` in a fresh interpreter with no settings module and no secrets in its environment."""
    unset = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset} | env_overrides
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, timeout=120
    )


@pytest.mark.parametrize(
    "entry_point",
    [
        "import qppportal.wsgi",
        "import qppportal.asgi",
        "from qppportal.celery import app; app.loader.import_default_modules()",
        "import runpy, sys; sys.argv = ['manage.py', 'check']; runpy.run_path('manage.py', run_name='__main__')",
    ],
)
def test_every_entry_point_defaults_to_production_and_refuses_to_start_without_a_secret_key(entry_point):
    dotenv = Path(settings.BASE_DIR) / ".env"
    if dotenv.exists() and "SECRET_KEY" in dotenv.read_text():
        pytest.skip("a local .env sets SECRET_KEY")
    result = _python(entry_point)
    assert result.returncode != 0
    assert "Production settings need SECRET_KEY" in result.stderr
    assert "DJANGO_SETTINGS_MODULE=qppportal.settings.base" in result.stderr


def test_importing_the_settings_creates_no_folder():
    code = (
        "import os, pathlib\n"
        "def refuse(*args, **kwargs): raise SystemExit('a folder was created')\n"
        "pathlib.Path.mkdir = refuse\n"
        "os.makedirs = os.mkdir = refuse\n"
        "import qppportal.settings.base"
    )
    result = _python(code, REDIS_URL="")
    assert result.returncode == 0, result.stderr
