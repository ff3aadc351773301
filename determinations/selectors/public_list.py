"""The published list of Other Payer Advanced APMs: approved, current determinations only.

Publication reads apart from intake: nothing here looks at drafts, reviews or rejected requests,
and a determination a lead reopened (superseded) leaves the list until it is decided again.
"""

from django.db.models import Max, QuerySet
from django.utils import timezone

from determinations.choices import PayerType
from determinations.models import Determination, DeterminationOutcome, PerformanceYear

COLUMNS = ("arrangement", "payer", "payer_type", "payer_type_label", "first_year", "last_year", "determined_on")


def published_determinations(*, year: int | None = None, payer_type: str = "") -> QuerySet[Determination]:
    determinations = Determination.objects.filter(outcome=DeterminationOutcome.APPROVED, superseded_at__isnull=True)
    if year is not None:
        determinations = determinations.filter(first_year__lte=year, last_year__gte=year)
    if payer_type:
        determinations = determinations.filter(arrangement__payer_type=payer_type)
    return determinations.select_related("arrangement").order_by(
        "arrangement__payer_type", "arrangement__payer_name", "arrangement__name", "pk"
    )


def published_rows(determinations) -> list[dict]:
    """One plain row per determination, the same for the page, the CSV and the JSON."""
    return [
        {
            "arrangement": d.arrangement.name,
            "payer": d.arrangement.payer_name,
            "payer_type": d.arrangement.payer_type,
            "payer_type_label": PayerType(d.arrangement.payer_type).label,
            "first_year": d.first_year,
            "last_year": d.last_year,
            "determined_on": timezone.localtime(d.decided_at).date().isoformat(),
        }
        for d in determinations
    ]


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
