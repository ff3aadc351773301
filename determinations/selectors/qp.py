"""Reads of QP determinations: the current results, who may see which, counts and the results CSV."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet

from accounts.models import OrganizationKind
from determinations.models import ParticipationUpload, QPDetermination, QPDeterminationRun

RESULT_COLUMNS = (
    "npi", "tin", "apm_entity_id", "year", "snapshot", "status", "best_status", "medicare_option_status",
    "all_payer_status", "basis", "level", "affiliated_practitioner", "participations",
    "medicare_payment_score", "medicare_patient_score", "all_payer_medicare_payment_score",
    "all_payer_medicare_patient_score", "all_payer_payment_score", "all_payer_patient_score",
    "weighted", "provisional",
)  # fmt: skip
CSV_FETCH = 5000


def current_determinations() -> QuerySet[QPDetermination]:
    return QPDetermination.objects.filter(run__is_current=True)


def entity_identifiers_of(user) -> list[str]:
    """The APM Entity IDs of the APM Entities ``user`` belongs to."""
    return [
        m.organization.apm_entity_identifier
        for m in user.memberships.select_related("organization")
        if m.organization.kind == OrganizationKind.APM_ENTITY and m.organization.apm_entity_identifier
    ]


def determinations_visible_to(user) -> QuerySet[QPDetermination]:
    """The current results a person may see: their own NPI's, and their APM Entities' clinicians'."""
    visible = Q(apm_entity_id__in=entity_identifiers_of(user))
    npi = getattr(getattr(user, "clinician_npi", None), "npi", None)
    if npi:
        visible |= Q(npi=npi)
    return current_determinations().filter(visible)


def clinicians_visible_to(user) -> list[dict]:
    """One line per clinician and year the person may see, with the latest snapshot's status."""
    rows = (
        determinations_visible_to(user)
        .order_by("npi", "-year", "-snapshot")
        .values("npi", "apm_entity_id", "year", "snapshot", "status", "best_status")
    )
    seen, lines = set(), []
    for row in rows:
        if (row["npi"], row["year"]) not in seen:
            seen.add((row["npi"], row["year"]))
            lines.append(row)
    return lines


def clinician_results(user, npi: str, year: int) -> list[QPDetermination]:
    """The clinician's current result at each snapshot of the year, if the person may see them."""
    return list(determinations_visible_to(user).filter(npi=npi, year=year).select_related("run").order_by("snapshot"))


def runs_overview() -> list[QPDeterminationRun]:
    """Every run, newest first, for the program admin's page (current and history)."""
    return list(QPDeterminationRun.objects.select_related("performance_year", "started_by")[:50])


def uploads_recent() -> list[ParticipationUpload]:
    return list(ParticipationUpload.objects.select_related("performance_year", "uploaded_by")[:20])


def upload_errors(upload: ParticipationUpload, limit: int = 200):
    return list(upload.errors.all()[:limit])


def result_rows(run: QPDeterminationRun) -> Iterator[list]:
    """The run's results as CSV rows (header first), read in chunks."""
    yield list(RESULT_COLUMNS)
    rows = QPDetermination.objects.filter(run=run).order_by("npi").values_list(*RESULT_COLUMNS)
    for row in rows.iterator(chunk_size=CSV_FETCH):
        yield ["" if value is None else value for value in row]
