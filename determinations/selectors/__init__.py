"""Reads of the determinations domain that the submitter's pages share; the review pages read from
``selectors.review`` and ``selectors.review_queue``."""

from .organizations import (
    organization_for_new_request,
    organizations_for_new_request,
    submission_window_next_for_organization,
    submission_windows_for_organization,
)
from .submissions import (
    published_arrangements_search,
    published_for_same_payer,
    submission_detail,
    submissions_for_dashboard,
    submissions_open_for_same_payer,
    submissions_visible_to,
)

__all__ = [
    "organization_for_new_request",
    "organizations_for_new_request",
    "published_arrangements_search",
    "submission_detail",
    "submission_window_next_for_organization",
    "submission_windows_for_organization",
    "submissions_for_dashboard",
    "published_for_same_payer",
    "submissions_open_for_same_payer",
    "submissions_visible_to",
]
