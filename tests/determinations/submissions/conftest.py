"""Fixtures for the request pages: the clock inside the 2027 payer windows, or after the 2026 period."""

import pytest
import time_machine

from tests.support import MARCH_2026, OCTOBER_2026


@pytest.fixture
def march_2026():
    with time_machine.travel(MARCH_2026, tick=True):
        yield MARCH_2026


@pytest.fixture
def october_2026():
    with time_machine.travel(OCTOBER_2026, tick=True):
        yield OCTOBER_2026
