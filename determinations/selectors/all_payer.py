"""Reads of All-Payer QP submissions: the arrangements one may choose, the windows, the dashboard's list, and
the submitted figures the QP batch reads."""

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from determinations.choices import WindowProcess
from determinations.models import (
    AllPayerQPFigures,
    AllPayerQPStatus,
    AllPayerQPSubmission,
    Determination,
    SubmissionWindow,
)
from determinations.rules.qp_submitted import SubmittedFigures
from determinations.selectors.public_list import published_determinations


def all_payer_qp_determinations(*, year: int) -> QuerySet[Determination]:
    """The Other Payer Advanced APMs of ``year`` a submitter may name: the approved determinations in force."""
    return published_determinations(year=year)


def all_payer_qp_determinations_search(*, year: int, query: str, limit: int = 20) -> QuerySet[Determination]:
    """Those whose arrangement or payer name has every word of ``query``."""
    determinations = all_payer_qp_determinations(year=year).select_related("submission")
    for word in query.split()[:8]:
        determinations = determinations.filter(
            Q(submission__arrangement_name__icontains=word) | Q(arrangement__payer_name__icontains=word)
        )
    return determinations[:limit]


def all_payer_qp_windows_open(*, now=None) -> QuerySet[SubmissionWindow]:
    now = now or timezone.now()
    return (
        SubmissionWindow.objects.filter(process=WindowProcess.ALL_PAYER_QP, opens_at__lte=now, closes_at__gt=now)
        .select_related("performance_year")
        .order_by("closes_at")
    )


def all_payer_qp_for_dashboard(user) -> QuerySet[AllPayerQPSubmission]:
    """The All-Payer QP submissions of the organizations ``user`` belongs to, latest first."""
    return (
        AllPayerQPSubmission.objects.filter(organization__memberships__user=user)
        .select_related("organization", "performance_year", "window")
        .order_by("-updated_at", "-pk")
    )


def submitted_figures(*, performance_year_id: int, snapshot: int) -> SubmittedFigures:
    """The submitted All-Payer QP figures of a snapshot, each submission's summed over its arrangements
    (Medicaid arrangements' apart), for the batch's streamed path (``rules/qp_submitted.py``)."""
    mine = Q(arrangement__medicaid=False)
    sums = {}
    for part, which in (("other", mine), ("medicaid", ~mine)):
        for method in ("payment", "patient"):
            for end in ("numerator", "denominator"):
                sums[f"{part}_{method}_{end}"] = Sum(f"{method}_{end}", filter=which)
    rows = (
        AllPayerQPFigures.objects.filter(
            snapshot=snapshot,
            arrangement__submission__performance_year_id=performance_year_id,
            arrangement__submission__status=AllPayerQPStatus.SUBMITTED,
        )
        .values(
            "arrangement__submission_id",
            "arrangement__submission__level",
            "arrangement__submission__apm_entity_id",
            "arrangement__submission__tin",
            "arrangement__submission__npi",
        )
        .annotate(**sums)
        .order_by()
    )
    figures = SubmittedFigures()
    for row in rows:
        figures.add_submission(
            level=row["arrangement__submission__level"],
            apm_entity_id=row["arrangement__submission__apm_entity_id"],
            tin=row["arrangement__submission__tin"],
            npi=row["arrangement__submission__npi"],
            figures={name: row[name] for name in sums},
        )
    return figures
