"""Reads of the reference data: performance years, submission windows and the measure list."""

import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from determinations import models
from determinations.choices import Process


def submission_windows_current(*, now=None) -> QuerySet:
    """Windows open now or closed within the last year, soonest deadline first."""
    now = now or timezone.now()
    return (
        models.SubmissionWindow.objects.filter(closes_at__gte=now - timezone.timedelta(days=365))
        .select_related("performance_year")
        .order_by("closes_at")
    )


def _windows_for(payer_types, include_clinician: bool) -> Q:
    which = Q(process=Process.PAYER_INITIATED, payer_type__in=list(payer_types))
    if include_clinician:
        which |= Q(process=Process.CLINICIAN_INITIATED)
    return which


def submission_windows_open_for(*, payer_types, include_clinician: bool, now=None) -> QuerySet:
    """The windows open now to an organization's payer types and, for clinicians, their process."""
    now = now or timezone.now()
    return (
        models.SubmissionWindow.objects.filter(
            _windows_for(payer_types, include_clinician), opens_at__lte=now, closes_at__gt=now
        )
        .select_related("performance_year")
        .order_by("closes_at")
    )


def submission_windows_next_change(*, payer_types, include_clinician: bool, now) -> datetime.datetime | None:
    """When ``submission_windows_open_for`` next changes by the clock: the first opening or deadline
    after ``now`` of those windows (one query), or None."""
    soonest = models.SubmissionWindow.objects.filter(_windows_for(payer_types, include_clinician)).aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)), closes=Min("closes_at", filter=Q(closes_at__gt=now))
    )
    return min(filter(None, soonest.values()), default=None)


def performance_years_overview() -> QuerySet:
    return models.PerformanceYear.objects.annotate(window_count=Count("windows")).order_by("-year")


def mips_measure_counts() -> list[dict]:
    return list(
        models.MipsMeasure.objects.values("year")
        .annotate(total=Count("id"), outcome=Count("id", filter=Q(is_outcome=True)))
        .order_by("-year")
    )


def mips_measure_years_loaded() -> list[int]:
    return sorted(models.MipsMeasure.objects.values_list("year", flat=True).order_by().distinct())


def mips_measure_years_missing() -> list[int]:
    """Performance years that take requests (have a submission window) but have no measure list."""
    loaded = set(mips_measure_years_loaded())
    taking_requests = models.PerformanceYear.objects.filter(windows__isnull=False).values_list("year", flat=True)
    return sorted(set(taking_requests) - loaded)


def submission_windows_ahead(*, now=None) -> QuerySet:
    """Real windows open now or still to open, soonest deadline first: the deadlines ahead."""
    now = now or timezone.now()
    return (
        models.SubmissionWindow.objects.filter(is_demonstration=False, closes_at__gt=now)
        .select_related("performance_year")
        .order_by("closes_at", "process", "payer_type")
    )


def submission_window_changes_recent(*, limit: int = 10) -> list:
    return list(
        models.SubmissionWindowChange.objects.select_related("window__performance_year", "actor").order_by(
            "-at", "-pk"
        )[:limit]
    )
