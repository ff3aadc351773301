"""Settings for benchmark runs only: the production settings, plus two things the bench needs.

- ``ROOT_URLCONF`` from the environment, so the runner can add the bare view (``bench.urls``)
  without it ever being part of the portal's own URLs;
- static files collected into ``var/bench-static`` (the manifest storage needs its manifest).

Everything else (DEBUG off, the middleware, sessions in the database, the manifest storage) is
what production runs. The runner sets ``SECURE_SSL_REDIRECT=false`` because it speaks plain HTTP
to 127.0.0.1.
"""

from qppportal.settings.production import *  # noqa: F403
from qppportal.settings.production import BASE_DIR, env

ROOT_URLCONF = env("ROOT_URLCONF", default="qppportal.urls")
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
