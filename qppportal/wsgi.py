"""WSGI entry point (gunicorn qppportal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qppportal.settings.production")

application = get_wsgi_application()
