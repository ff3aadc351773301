"""Django's Redis cache, made to fail open: the cache only saves work, so a Redis outage must not
turn a page into a 500. Reads miss (the page computes from the database) and writes are skipped,
each with a warning in the log.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    def _fail_open(self, operation: str, fallback, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except RedisError as error:
            logger.warning("cache %s skipped, Redis unavailable: %s", operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._fail_open("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._fail_open("get_many", {}, super().get_many, keys, version)

    def set(self, *args, **kwargs):
        return self._fail_open("set", None, super().set, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._fail_open("set_many", [], super().set_many, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._fail_open("add", False, super().add, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._fail_open("delete", False, super().delete, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._fail_open("delete_many", None, super().delete_many, *args, **kwargs)

    def has_key(self, key, version=None):
        # Sessions ask this when they make a new key: a miss sends them to the database's own check.
        return self._fail_open("has_key", False, super().has_key, key, version)

    def touch(self, *args, **kwargs):
        return self._fail_open("touch", False, super().touch, *args, **kwargs)
