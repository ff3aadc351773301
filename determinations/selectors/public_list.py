"""The published list of Other Payer Advanced APMs: approved, current determinations only.

Publication reads apart from intake: nothing here looks at drafts, reviews or rejected requests,
and a determination a lead reopened (superseded) leaves the list until it is decided again.

The page is public and the same for every visitor, so it is cached whole under a version that
every decision and every reopening changes (``published_list_changed``, called once the
decision commits). The expiry also bounds a change made outside the workflow (the admin site).
"""

import hashlib
from collections.abc import Iterable, Iterator

from django.db.models import Max, QuerySet
from django.utils import timezone

from determinations.choices import PayerType
from determinations.models import Determination, DeterminationOutcome, PerformanceYear
from qppportal.cache import VersionedEntry, tokens_replace, versioned_entry

COLUMNS = ("arrangement", "payer", "payer_type", "payer_type_label", "first_year", "last_year", "determined_on")
PAGE_CACHE_SECONDS = 10 * 60
PAGE_SIZE = 100
VERSION_KEY = "public-list:version"


def published_determinations(*, year: int | None = None, payer_type: str = "") -> QuerySet[Determination]:
    # A determination applied to a linked clinician's request repeats its payer's: listed once, as the payer's.
    determinations = Determination.objects.filter(
        outcome=DeterminationOutcome.APPROVED, superseded_at__isnull=True, applied_from__isnull=True
    )
    if year is not None:
        determinations = determinations.filter(first_year__lte=year, last_year__gte=year)
    if payer_type:
        determinations = determinations.filter(arrangement__payer_type=payer_type)
    return determinations.select_related("arrangement").order_by(
        "arrangement__payer_type", "arrangement__payer_name", "submission__arrangement_name", "pk"
    )


def published_values(determinations: QuerySet[Determination]) -> QuerySet:
    """The columns the page, the CSV and the JSON show, as tuples for ``published_rows``.

    The name is the one the decided request gave (a later request for the same arrangement has its own).
    """
    return determinations.values_list(
        "submission__arrangement_name",
        "arrangement__payer_name",
        "arrangement__payer_type",
        "first_year",
        "last_year",
        "decided_at",
    )


def published_rows(values: Iterable[tuple]) -> Iterator[dict]:
    """One plain row per determination (tuples of ``published_values``), the same for every format."""
    labels = dict(PayerType.choices)
    for name, payer, payer_type, first_year, last_year, decided_at in values:
        yield {
            "arrangement": name,
            "payer": payer,
            "payer_type": payer_type,
            "payer_type_label": labels.get(payer_type, payer_type),
            "first_year": first_year,
            "last_year": last_year,
            "determined_on": timezone.localtime(decided_at).date().isoformat(),
        }


def published_csv_rows(rows: Iterable[dict]) -> Iterator[list]:
    return ([row[column] for column in COLUMNS] for row in rows)


def published_years() -> list[int]:
    """The years a visitor can choose, newest first: every configured performance year, and every later
    year a multi-year determination already covers."""
    years = set(PerformanceYear.objects.values_list("year", flat=True))
    last = published_determinations().aggregate(last=Max("last_year"))["last"]
    if years and last and last > max(years):
        years |= set(range(max(years) + 1, last + 1))
    return sorted(years, reverse=True)


def default_year(years: list[int]) -> int | None:
    """This calendar year's performance year when there is one, otherwise the newest."""
    this_year = timezone.localdate().year
    return this_year if this_year in years else (years[0] if years else None)


def cached_published_page(params) -> VersionedEntry:
    """The public page for the ``year``, ``payer_type`` and ``page`` in ``params``, if it was built
    since the last decision (``value``, the page's bytes), and how to keep a new one: one cache read."""
    choice = repr([(name, params.getlist(name)) for name in ("year", "payer_type", "page")])
    return versioned_entry(VERSION_KEY, f"public-list:page:{hashlib.sha256(choice.encode()).hexdigest()[:32]}")


def published_list_changed() -> None:
    """Every cached copy of the public page is out of date (a decision was made or reopened)."""
    tokens_replace([VERSION_KEY])
