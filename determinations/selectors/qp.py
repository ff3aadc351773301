"""Reads of QP determinations: the current results, who may see which, counts and the results CSV."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet

from accounts.models import OrganizationKind
from determinations.models import ParticipationUpload, QPDetermination, QPDeterminationRun
from determinations.rules.parameters import YearParameters, year_parameters_from_mapping
from determinations.rules.qp_explain import next_status_gaps, status_meaning
from determinations.rules.qp_thresholds import METHOD_LABEL, METHODS, QPStatus, ThresholdScores, qp_status
from determinations.rules.results import percent

RESULT_COLUMNS = (
    "npi", "tin", "apm_entity_id", "year", "snapshot", "status", "best_status", "medicare_option_status",
    "all_payer_status", "basis", "level", "affiliated_practitioner", "participations",
    "medicare_payment_score", "medicare_patient_score", "all_payer_medicare_payment_score",
    "all_payer_medicare_patient_score", "all_payer_payment_score", "all_payer_patient_score",
    "weighted", "individual_fallback", "provisional",
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


def current_runs() -> list[QPDeterminationRun]:
    """The current run of each year and snapshot: the counts by status the program admin sees."""
    return list(
        QPDeterminationRun.objects.filter(is_current=True)
        .select_related("performance_year")
        .order_by("-performance_year__year", "snapshot")
    )


def upload_errors(upload: ParticipationUpload, limit: int = 200):
    """The first bad rows for the page; ``upload_error_rows`` has them all."""
    return list(upload.errors.all()[:limit])


def upload_error_rows(upload: ParticipationUpload) -> Iterator[list]:
    yield ["line", "reason"]
    yield from upload.errors.order_by("line", "id").values_list("line", "reason").iterator(chunk_size=CSV_FETCH)


def result_rows(run: QPDeterminationRun) -> Iterator[list]:
    """The run's results as CSV rows (header first), read in chunks."""
    yield list(RESULT_COLUMNS)
    rows = QPDetermination.objects.filter(run=run).order_by("npi").values_list(*RESULT_COLUMNS)
    for row in rows.iterator(chunk_size=CSV_FETCH):
        yield ["" if value is None else value for value in row]


def _scores(determination: QPDetermination, prefix: str) -> dict:
    return {m: getattr(determination, f"{prefix}{m}_score") for m in METHODS}


def explanation(determination: QPDetermination, params: YearParameters) -> dict:
    """Everything the results page shows for one snapshot: scores beside thresholds, reasons, meaning, gaps."""
    medicare = _scores(determination, "medicare_")
    gate = _scores(determination, "all_payer_medicare_")
    all_payer = _scores(determination, "all_payer_")
    scores = ThresholdScores(medicare_payment=medicare["payment"], medicare_patient=medicare["patient"])
    all_payer_scores = ThresholdScores(
        medicare_payment=gate["payment"], medicare_patient=gate["patient"],
        all_payer_payment=all_payer["payment"], all_payer_patient=all_payer["patient"],
    )  # fmt: skip
    result = qp_status(params, scores, all_payer_scores)
    lines = [(f"Medicare Option, {METHOD_LABEL[m]}", medicare[m], f"medicare_{{}}_{m}_percent") for m in METHODS]
    if params.all_payer_option_available:
        lines += [
            (f"Medicare {METHOD_LABEL[m]} score against the All-Payer Medicare minimum", gate[m],
             f"all_payer_{{}}_medicare_minimum_{m}_percent")
            for m in METHODS
        ] + [
            (f"All-Payer Combination Option, {METHOD_LABEL[m]}", all_payer[m], f"all_payer_{{}}_{m}_percent")
            for m in METHODS if all_payer[m] is not None
        ]  # fmt: skip
    rows = []
    for label, score, field in lines:
        qp, partial = getattr(params, field.format("qp")), getattr(params, field.format("partial_qp"))
        reached = "QP" if score >= qp else "Partial QP" if score >= partial else "neither"
        rows.append({"label": label, "score": percent(score), "qp": percent(qp), "partial": percent(partial),
                     "reached": reached})  # fmt: skip
    status = QPStatus(determination.status)
    target, gaps = next_status_gaps(
        params, status, medicare,
        {m: getattr(determination, f"medicare_{m}_denominator") for m in METHODS}, gate, all_payer,
        {m: getattr(determination, f"all_payer_{m}_denominator") for m in METHODS},
    )  # fmt: skip
    return {
        "determination": determination,
        "rows": rows,
        "reasons": [r.text for r in result.reasons],
        "meaning": status_meaning(params, status),
        "target": target,
        "gaps": [g.describe() for g in gaps if g.points > 0 or g.medicare_minimum_gap],
    }


def clinician_explanations(user, npi: str, year: int) -> list[dict]:
    params_by_run: dict[int, YearParameters] = {}
    explained = []
    for determination in clinician_results(user, npi, year):
        run = determination.run
        if run.pk not in params_by_run:
            params_by_run[run.pk] = year_parameters_from_mapping(run.parameters)
        explained.append(explanation(determination, params_by_run[run.pk]))
    return explained
