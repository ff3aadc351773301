"""Django's deployment checks pass under the production settings (what `make check-deploy` runs)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qppportal.settings.production",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "portal.example.gov",
        "SITE_URL": "https://portal.example.gov",
        "EMAIL_URL": "smtp+tls://smtp.example.gov:587",
        "DATABASE_URL": "postgres://portal@db.example.gov/portal",
        "REDIS_URL": "redis://redis.example.gov:6379/0",
    }
    # The browser tests allow Django's ORM in Playwright's event loop for this process (tests/e2e/conftest.py);
    # a deployment never sets that, and the check says so.
    for variable in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(variable, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
