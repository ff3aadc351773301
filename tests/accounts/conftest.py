"""Fixtures of the accounts tests."""

import pytest

from tests.support import cache_clear


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Nothing cached (throttles, lockouts) leaks from one test into the next."""
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def role_user(request):
    """``role_user(name)``: the user of the root conftest's role fixture ``name``."""
    return request.getfixturevalue
