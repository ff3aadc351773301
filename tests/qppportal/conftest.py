"""Fixtures of the task tests: a Redis server of the test's own (never the machine's shared one)."""

import pytest

from .processes import RedisServer


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
