"""Settings for the test suite: the base settings with a fast password hasher and in-memory e-mail."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CRISPY_FAIL_SILENTLY = False

# Tests about tasks start a real worker (tests/tasks); elsewhere tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
