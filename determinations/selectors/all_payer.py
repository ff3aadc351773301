"""Reads of All-Payer QP submissions: the arrangements one may choose, the windows, the dashboard's list, and
the submitted figures the QP batch reads."""

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from determinations.choices import WindowProcess
from determinations.models import (
    AllPayerQPFigures,
    AllPayerQPStatus,
    AllPayerQPSubmission,
    AllPayerQPTotals,
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


def all_payer_qp_submitted(*, year: int | None = None) -> QuerySet[AllPayerQPSubmission]:
    """Submitted All-Payer QP submissions (of ``year``, if given) for program admins, latest first."""
    submitted = AllPayerQPSubmission.objects.filter(status=AllPayerQPStatus.SUBMITTED)
    if year is not None:
        submitted = submitted.filter(performance_year__year=year)
    return submitted.select_related("organization", "performance_year").order_by("-submitted_at", "-pk")


def all_payer_qp_submitted_years() -> list[int]:
    """The performance years with a submitted All-Payer QP submission, latest first."""
    return list(
        AllPayerQPSubmission.objects.filter(status=AllPayerQPStatus.SUBMITTED)
        .order_by("-performance_year__year")
        .values_list("performance_year__year", flat=True)
        .distinct()
    )


# The submission's totals of a period are the denominators (414.1440(b)-(c)), by the batch's figure names.
TOTAL_OF = {
    "other_payment": "other_payments",
    "other_patient": "other_patients",
    "medicaid_payment": "medicaid_payments",
    "medicaid_patient": "medicaid_patients",
}


def submitted_figures(*, performance_year_id: int, snapshot: int) -> SubmittedFigures:
    """The submitted All-Payer QP figures of a snapshot, for the batch's streamed path
    (``rules/qp_submitted.py``): per submission that gave the period's totals, the totals as the
    denominators and its arrangements' figures summed as the numerators (Medicaid arrangements' apart)."""
    submitted = {
        "submission__performance_year_id": performance_year_id,
        "submission__status": AllPayerQPStatus.SUBMITTED,
    }
    given = Q()
    for total in TOTAL_OF.values():
        given |= Q(**{f"{total}__isnull": False})
    totals = (
        AllPayerQPTotals.objects.filter(given, snapshot=snapshot, **submitted).values(
            "submission_id",
            "submission__level",
            "submission__apm_entity_id",
            "submission__tin",
            "submission__npi",
            *TOTAL_OF.values(),
        )  # fmt: skip
    )
    other = Q(arrangement__medicaid=False)
    sums = {
        f"{part}_{method}_numerator": Sum(f"{method}_numerator", filter=which)
        for part, which in (("other", other), ("medicaid", ~other))
        for method in ("payment", "patient")
    }
    numerators = {
        row.pop("arrangement__submission_id"): row
        for row in AllPayerQPFigures.objects.filter(
            snapshot=snapshot, **{f"arrangement__{name}": value for name, value in submitted.items()}
        )
        .values("arrangement__submission_id")
        .annotate(**sums)
        .order_by()
    }
    figures = SubmittedFigures()
    for row in totals:
        through, given = numerators.get(row["submission_id"], {}), {}
        for figure, total in TOTAL_OF.items():
            numerator, denominator = through.get(f"{figure}_numerator"), row[total]
            # A total with nothing through an arrangement in the period is a numerator of 0, as the SQL has it.
            given[f"{figure}_numerator"] = 0 if numerator is None and denominator is not None else numerator
            given[f"{figure}_denominator"] = denominator
        figures.add_submission(
            level=row["submission__level"],
            apm_entity_id=row["submission__apm_entity_id"],
            tin=row["submission__tin"],
            npi=row["submission__npi"],
            figures=given,
        )
    return figures
