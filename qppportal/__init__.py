"""QPP Portal project package: settings, URLs, the Celery app, WSGI and ASGI entry points.

Every entry point (``manage.py``, Celery, WSGI, ASGI) defaults to the same settings module,
production, which refuses to start without its secrets. Development and the test suite name
theirs (``make run`` and ``scripts/serve`` use ``qppportal.settings.base``; pytest.ini the test one).
"""

import os

DEFAULT_SETTINGS_MODULE = "qppportal.settings.production"


def settings_module_default() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)


settings_module_default()

from .celery import app as celery_app  # noqa: E402  (the Celery app reads the settings module chosen above)

__all__ = ("celery_app",)
