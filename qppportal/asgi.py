"""ASGI entry point."""

from django.core.asgi import get_asgi_application

import qppportal

qppportal.settings_module_default()
application = get_asgi_application()
