"""Fixtures of the accounts tests."""

import pytest


@pytest.fixture
def role_user(request):
    """``role_user(name)``: the user of the root conftest's role fixture ``name``."""
    return request.getfixturevalue
