"""Settings for the test suite: the base settings with a fast password hasher and in-memory e-mail."""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CRISPY_FAIL_SILENTLY = False

# Tests about tasks start a real worker (tests/qppportal/test_celery_worker.py); elsewhere tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Parallel runs (pytest-xdist) share one Redis database: each worker process keeps its cache keys
# under its own prefix and its Celery tasks on its own queue, so workers never see each other's.
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHES["default"]["KEY_PREFIX"] = f"test-{TEST_PROCESS}"  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = f"test-{TEST_PROCESS}"
