"""Django's Redis cache, made to fail open: the cache only saves work, so a Redis outage must not
turn a page into a 500. Reads miss (the page computes from the database) and writes are skipped,
each with a warning in the log.

It also keeps one ``redis.Redis`` client per connection pool. Django builds a new one for every
command, and building one fills its table of response callbacks (a few hundred dictionary writes):
on a signed-in page that cost more CPU than the round trips themselves (``bench/README.md``). A
client is safe to share between threads; each command takes its own connection from the pool.

``get_many_then`` reads some keys and a key named by one of their values in one round trip (a
small script on the Redis server), for the signed-in entry kept beside a session.
``versioned_entry`` reads a value kept under a data version (one token or several) and that version
in one round trip; ``tokens`` reads (or makes) tokens alone; ``tokens_replace`` and ``tokens_changed``
give keys new tokens, so that nothing kept under the old ones is current any more.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


@dataclass
class VersionedEntry:
    """A value kept with the version of the data it was built from; ``value`` is None unless that
    version is the current one."""

    key: str
    version: str
    value: Any = None

    def keep(self, value, timeout: int) -> None:
        caches[DEFAULT_CACHE_ALIAS].set(self.key, (self.version, value), timeout)


def versioned_entry(version_keys: str | Sequence[str], key: str) -> VersionedEntry:
    """What ``key`` holds if it was kept under the current version in ``version_keys``: one round trip.

    The version is a token that every change to the data replaces (after it commits), or the tokens
    of several keys together. It is read with the value, before the data is: a copy built from rows
    read before a change commits is kept under the token that the commit replaces, so it is never used.
    """
    version_keys = [version_keys] if isinstance(version_keys, str) else list(version_keys)
    cache = caches[DEFAULT_CACHE_ALIAS]
    found = cache.get_many([*version_keys, key])
    version = "-".join(_token(cache, name, found) for name in version_keys)
    entry = found.get(key)
    return VersionedEntry(key, version, entry[1] if entry is not None and entry[0] == version else None)


def tokens(keys) -> dict[str, str]:
    """The current token under each key, in one round trip (a missing one is made)."""
    keys, cache = list(keys), caches[DEFAULT_CACHE_ALIAS]
    found = cache.get_many(keys)
    return {name: _token(cache, name, found) for name in keys}


def tokens_replace(keys) -> None:
    """New tokens under ``keys``: whatever was kept under the old ones is no longer current."""
    caches[DEFAULT_CACHE_ALIAS].set_many({key: uuid4().hex for key in keys}, None)


def tokens_changed(keys) -> None:
    """Replace the tokens now and again once the transaction commits: a copy built from rows read just
    before the change committed is kept under the token the commit then replaces, so it is never used."""
    keys = list(keys)
    tokens_replace(keys)
    transaction.on_commit(lambda: tokens_replace(keys))


def _token(cache, name: str, found: dict) -> str:
    return found.get(name) or cache.get_or_set(name, lambda: uuid4().hex, None)


# KEYS: the keys to read, then the pointer; ARGV: the followed key's name around the pointer's value.
_GET_MANY_THEN = """
local values = redis.call('MGET', unpack(KEYS))
local pointer = values[#KEYS]
values[#KEYS + 1] = pointer and redis.call('GET', ARGV[1] .. pointer .. ARGV[2]) or false
return values
"""


def get_many_then(keys: list[str], pointer: str, followed: str, cache=None) -> dict:
    """``cache.get_many(keys + [pointer])`` and the key ``followed.format(<pointer's value>)``, if the
    pointer is there; on Redis in one round trip. The pointer's value must be an int (Django's Redis
    serializer stores ints as they are, so the script can read them)."""
    cache = cache or caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, FailOpenRedisCache):
        return cache.get_many_then(keys, pointer, followed)
    found = cache.get_many([*keys, pointer])
    if pointer in found:
        name = followed.format(found[pointer])
        found.update(cache.get_many([name]))
    return found


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

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

    def get_many_then(self, keys, pointer, followed):
        return self._fail_open("get_many_then", {}, self._get_many_then, keys, pointer, followed)

    def _get_many_then(self, keys, pointer, followed):
        keys = [*keys, pointer]
        around = self.make_and_validate_key(followed).split("{}")
        script = self._cache.get_client(write=False).register_script(_GET_MANY_THEN)
        *values, value_followed = script(keys=[self.make_and_validate_key(key) for key in keys], args=around)
        if value_followed is not None:
            keys.append(followed.format(int(values[-1])))
            values.append(value_followed)
        loads = self._cache._serializer.loads
        return {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}

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
