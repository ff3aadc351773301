"""Fixtures for the review tests (the payer and its request are in ``tests/determinations/conftest.py``)."""

import pytest

from determinations.selectors import review_queue


@pytest.fixture
def small_pages(monkeypatch):
    """Queue pages of five rows, so a dozen requests (not a hundred) make several pages."""
    monkeypatch.setattr(review_queue, "PAGE_SIZE", 5)
    return review_queue.PAGE_SIZE
