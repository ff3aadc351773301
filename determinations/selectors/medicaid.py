"""Where a Medicaid Other Payer Advanced APM is available: the county FIPS codes the QP batch's
Medicaid test reads (42 CFR 414.1440(a)(2), domain.md 4.4).

A county counts for a performance year when a request whose arrangement is a State Medicaid
agency's (a Medicaid APM or Medicaid Medical Home Model) recorded it, and that arrangement's
current determination is approved for the year. Drafts, requests under review, rejected or
reopened (superseded) determinations and other years do not count.
"""

import re

from determinations.choices import PayerType
from determinations.rules.identifiers import COUNTY_FIPS_PATTERN

from .public_list import published_determinations

SEPARATORS = re.compile(r"[\s,;]+")


def _codes(value) -> list[str]:
    """The codes a request recorded: a list (as the form saves them) or, in older answers, one text."""
    if isinstance(value, str):
        value = SEPARATORS.split(value)
    return [code.strip() for code in value or [] if isinstance(code, str) and code.strip()]


def medicaid_apm_counties(year: int) -> frozenset[str]:
    """County FIPS codes with a Medicaid Other Payer Advanced APM approved for ``year``."""
    recorded = (
        published_determinations(year=year, payer_type=PayerType.MEDICAID)
        .order_by()
        .values_list("submission__answers__arrangement__medicaid_counties", flat=True)
    )
    return frozenset(code for value in recorded for code in _codes(value) if COUNTY_FIPS_PATTERN.match(code))
