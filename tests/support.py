"""Helpers any test may import: signing in with the test client, skipping (or, in CI, failing) without a
service, and data built once for a whole module."""

import datetime
import os
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUIRE_SERVICES = os.environ.get("QPP_REQUIRE_SERVICES") == "1"

EASTERN = ZoneInfo("America/New_York")
# Mid-March 2026: the Payer Initiated windows for 2027 and the clinician Medicaid window for 2027
# are open, and so is the clinician window for other 2026 arrangements.
MARCH_2026 = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=EASTERN)
# Mid-October 2026: after the 2026 QP Performance Period (January 1 to August 31).
OCTOBER_2026 = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=EASTERN)


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, except in CI, where a skipped service test is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (QPP_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


def sign_in(client, user):
    """Sign ``user`` in; staff also pass the second factor with a confirmed authenticator."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.staff_role or user.is_staff:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test authenticator", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def cache_clear() -> None:
    """Empty this test process's cache.

    ``cache.clear()`` on Redis empties the whole database, which the parallel (xdist) workers share;
    each worker has its own key prefix (``qppportal.settings.test``), so only its keys are deleted.
    """
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # Django's Redis client: no public "delete by prefix"
    keys = list(client.scan_iter(match=cache.make_key("*")))
    if keys:
        client.delete(*keys)


@contextmanager
def built_once_for_the_module(django_db_blocker):
    """Hold what a module-scoped fixture builds inside it in a transaction rolled back when the module ends.

    Building some worlds (requests through the services, the demo data) is most of a test's time;
    the tests of a module that only read such a world share one. Each test still runs in its own
    savepoint (pytest-django's ``db``), rolled back after it, so what a test writes is gone before
    the next, and nothing outlives the module. Every test of such a module sees the world: tests
    that need an empty database belong in another module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
