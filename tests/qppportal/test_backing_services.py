"""When CI points the portal at PostgreSQL and Redis, the suite really runs on them."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.support import skip_or_fail

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_database_is_postgresql_when_configured():
    if "postgres" not in settings.DATABASES["default"]["ENGINE"]:
        skip_or_fail("DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_cache_round_trips_through_redis():
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("qpp-portal-ci-probe", {"ok": 1}, timeout=30)
    assert cache.get("qpp-portal-ci-probe") == {"ok": 1}
    cache.delete("qpp-portal-ci-probe")


def test_celery_uses_redis_broker_when_configured():
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set")
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
