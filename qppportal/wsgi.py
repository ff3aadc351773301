"""WSGI entry point (gunicorn qppportal.wsgi)."""

from django.core.wsgi import get_wsgi_application

import qppportal

qppportal.settings_module_default()
application = get_wsgi_application()
