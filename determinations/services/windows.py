"""Writes of submission windows: a program admin adds or moves one, and the demo's always-open windows.

Every change by a program admin is kept as a ``SubmissionWindowChange`` with the reason given, so
anyone can later see why a payer could file after the published deadline. Demonstration windows are
made only where ``settings.DEMO_DATA_ALLOWED`` (never under production settings).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from determinations.choices import PayerType, Process, WindowProcess
from determinations.models import PerformanceYear, SubmissionWindow, SubmissionWindowChange
from determinations.rules.calendar import EASTERN


class WindowError(Exception):
    """A window change that cannot be made; the message says why."""


@transaction.atomic
def submission_window_save(
    *,
    actor,
    reason: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    is_provisional: bool,
    window: SubmissionWindow | None = None,
    performance_year: PerformanceYear | None = None,
    process: str = "",
    payer_type: str = "",
    now=None,
) -> SubmissionWindow:
    """Add a window (``window`` None) or change an existing one's dates, recording who, when and why."""
    if not reason.strip():
        raise WindowError("Give the reason for the change; it is kept with the window.")
    if closes_at <= opens_at:
        raise WindowError("The window must close after it opens.")
    if window is None:
        if SubmissionWindow.objects.filter(
            performance_year=performance_year, process=process, payer_type=payer_type, is_demonstration=False
        ).exists():
            raise WindowError(
                f"{performance_year.year} already has a {Process(process).label} window for "
                f"{PayerType(payer_type).label}; change its dates instead."
            )
        window = SubmissionWindow(performance_year=performance_year, process=process, payer_type=payer_type)
        before = (None, None)
    else:
        window = SubmissionWindow.objects.select_for_update().get(pk=window.pk)
        if window.is_demonstration:
            raise WindowError("Demonstration windows are kept open by the demo data; they are not edited.")
        before = (window.opens_at, window.closes_at)
    window.opens_at, window.closes_at, window.is_provisional = opens_at, closes_at, is_provisional
    window.save()
    SubmissionWindowChange.objects.create(
        window=window,
        actor=actor,
        at=now or timezone.now(),
        reason=reason.strip(),
        opens_at_before=before[0],
        closes_at_before=before[1],
        opens_at=opens_at,
        closes_at=closes_at,
    )
    return window


def demonstration_year(now=None) -> PerformanceYear:
    """The performance year demonstration windows take requests for: the next one on file."""
    today = timezone.localtime(now or timezone.now(), EASTERN).date()
    years = PerformanceYear.objects.filter(windows__is_demonstration=False).distinct()
    return years.filter(year__gt=today.year).order_by("year").first() or years.order_by("-year").first()


@transaction.atomic
def demonstration_windows_open(*, now=None) -> list[SubmissionWindow]:
    """One demonstration window per process and payer type (and one for All-Payer QP data), open from a month
    ago until a year from now.

    Each run moves them around today, so the demo always has somewhere to file whatever the date.
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise WindowError("Demonstration windows belong to demo data, which these settings do not allow.")
    now = now or timezone.now()
    year = demonstration_year(now)
    if year is None:
        raise WindowError("Load the reference data first (manage.py load_reference_data).")
    start = timezone.localtime(now, EASTERN).replace(hour=0, minute=0, second=0, microsecond=0)
    opens_at = start - datetime.timedelta(days=30)
    closes_at = (start + datetime.timedelta(days=366)).replace(hour=23, minute=59, second=59)
    # Each request process for each payer type, for the next year; and the All-Payer QP data window, for
    # every payer type, for the year under way (its data are due December 1 of that year).
    today = timezone.localtime(now, EASTERN).date()
    current = PerformanceYear.objects.filter(year=today.year).first() or year
    keys = [(year, process, payer_type) for process in Process.values for payer_type in PayerType.values]
    windows = []
    for performance_year, process, payer_type in [*keys, (current, WindowProcess.ALL_PAYER_QP, "")]:
        window, _ = SubmissionWindow.objects.update_or_create(
            performance_year=performance_year,
            process=process,
            payer_type=payer_type,
            is_demonstration=True,
            defaults={"opens_at": opens_at, "closes_at": closes_at, "is_provisional": False},
        )
        windows.append(window)
    return windows
