"""The QP batch: every clinician of a year's snapshot determined at once, as a run kept in history.

From the program admin's page the batch is a ``jobs`` Job (kind ``qp_batch``, registered in
``determinations/jobs.py``) of stages, each an item of the job done in its own transaction:
``prepare`` (the run starts, with the year's figures it will compare scores with, and writes its
group totals), ``determine k/n`` (the results of the k-th of n parts of the clinicians, written
under the run, not yet current; a part is at most ``PART_RECORDS`` records, so each stage finishes
well within a chunk task's time limit) and ``publish`` (the counts and the switch of the current
run, in one transaction). The job page shows the stages as progress; cancelling before ``publish``
leaves the previous run current and removes the cancelled run's rows. ``manage.py determine_qp``
and the tests call ``qp_batch_run``, which does the same stages in one transaction.

On PostgreSQL the arithmetic is a few set-based statements over the snapshot (``qp_batch_sql.py``);
elsewhere (the SQLite default) the same rules run record by record from ``rules/qp_levels.py``,
streamed, with the same results (in one part). Readers see either the previous run or the new one;
the previous run and its rows stay as history.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from determinations.models import ParticipationRecord, PerformanceYear, QPDetermination, QPDeterminationRun
from determinations.rules.parameters import YearParameters, year_parameters_to_mapping
from determinations.rules.qp_levels import (
    GroupTotals,
    Level,
    Participation,
    ParticipationResult,
    best_of,
    best_status,
    clinician_results,
    group_add,
    medicaid_included,
    other_payers_after_exclusions,
)
from determinations.rules.qp_submitted import CARRIED, SubmittedFigures
from determinations.rules.qp_thresholds import METHODS, Portion, QPStatus
from determinations.selectors.all_payer import submitted_figures
from determinations.selectors.medicaid import medicaid_apm_counties
from jobs.models import ItemStatus, Job, JobStatus

from . import qp_batch_sql

SCORE_PLACES = Decimal("0.000000001")
CHUNK = 5000
JOB_KIND = "qp_batch"
PART_RECORDS = 200_000  # records per determine stage: about a minute on a loaded machine (bench/README.md)
DETERMINE = "determine"
UNDER_WAY = (QPDeterminationRun.Status.QUEUED, QPDeterminationRun.Status.RUNNING)


class RunCancelled(Exception):
    """The run's job was cancelled while a stage ran: the stage's writes roll back."""


def _set_based() -> bool:
    return connection.vendor == "postgresql"


def part_count(records: int, *, set_based: bool) -> int:
    """How many determine stages a snapshot of ``records`` records takes (one for the streamed path)."""
    return max(1, math.ceil(records / PART_RECORDS)) if set_based else 1


def stages(parameters: dict) -> list[str]:
    """The items of a ``qp_batch`` job: prepare, one determine stage per part, publish."""
    records = ParticipationRecord.objects.filter(
        performance_year__year=parameters["year"], snapshot=parameters["snapshot"]
    ).count()
    parts = part_count(records, set_based=_set_based())
    return ["prepare", *(f"{DETERMINE} {k}/{parts}" for k in range(1, parts + 1)), "publish"]


def _part_of(stage: str) -> tuple[int, int]:
    """``"determine 2/5"`` -> part 1 (from 0) of 5."""
    k, parts = stage.removeprefix(f"{DETERMINE} ").split("/")
    return int(k) - 1, int(parts)


def qp_run_create(*, performance_year: PerformanceYear, snapshot: int, started_by=None, job=None) -> QPDeterminationRun:
    return QPDeterminationRun.objects.create(
        performance_year=performance_year, snapshot=snapshot, started_by=started_by, job=job
    )


def qp_run_start(
    *, performance_year: PerformanceYear, snapshot: int, started_by
) -> tuple[QPDeterminationRun | None, str]:
    """Start the batch as a job, or say why not: no data loaded, or a run already under way."""
    from jobs.services import job_start  # jobs.services reaches the job kinds, which import this module

    with transaction.atomic():
        PerformanceYear.objects.select_for_update().get(pk=performance_year.pk)
        if refusal := qp_run_refusal(performance_year=performance_year, snapshot=snapshot):
            return None, refusal
        job = job_start(
            kind=JOB_KIND, parameters={"year": performance_year.year, "snapshot": snapshot}, actor=started_by,
            chunk_size=10_000,  # one chunk: the stages run in order, the chunk task re-queues itself as it goes
        )  # fmt: skip
        run = qp_run_for_job(job)
    return run, ""


def qp_run_refusal(*, performance_year: PerformanceYear, snapshot: int) -> str:
    """Why a run of the snapshot cannot start now (no data loaded, or a run under way), or ``""``."""
    if not ParticipationRecord.objects.filter(performance_year=performance_year, snapshot=snapshot).exists():
        return f"No participation data is loaded for {performance_year.year} snapshot {snapshot}: upload it first."
    busy = QPDeterminationRun.objects.filter(
        performance_year=performance_year, snapshot=snapshot, status__in=UNDER_WAY
    ).first()
    if busy:
        return f"Run {busy.pk} for {performance_year.year} snapshot {snapshot} is already under way."
    return ""


def qp_run_for_job(job: Job) -> QPDeterminationRun:
    """The run a ``qp_batch`` job works on; made on first use when the job was started from the jobs page."""
    run = QPDeterminationRun.objects.select_related("performance_year").filter(job=job).first()
    if run is None:
        performance_year = PerformanceYear.objects.get(year=job.parameters["year"])
        run = qp_run_create(
            performance_year=performance_year, snapshot=job.parameters["snapshot"], started_by=job.created_by, job=job
        )
    return run


def _still_running(job: Job) -> None:
    """Lock the job row and refuse to commit a stage of a job cancelled meanwhile (``job_cancel`` locks it too)."""
    if Job.objects.select_for_update().get(pk=job.pk).status != JobStatus.RUNNING:
        raise RunCancelled("The job was cancelled while this stage ran; nothing it did is kept.")


def qp_run_stage(*, job: Job, stage: str) -> dict:
    """Do one stage of a ``qp_batch`` job (inside the job item's transaction); returns its results row."""
    run = qp_run_for_job(job)
    if stage == "prepare":
        _begin(run, set_based=_set_based())
        _prepare(run)
        return {"run": run.pk, "stage": stage, **_records_seen(run)}
    if run.status != QPDeterminationRun.Status.RUNNING:
        raise ValueError(f"Run {run.pk} is {run.get_status_display().lower()}, not running: its {stage} is skipped.")
    if stage.startswith(DETERMINE):
        part, parts = _part_of(stage)
        clinicians = _determine(run, part=part, parts=parts)
        _still_running(job)
        return {"run": run.pk, "stage": stage, "clinicians": clinicians}
    determine = job.items.filter(key__startswith=DETERMINE)
    failure = None
    if determine.exclude(status=ItemStatus.DONE).exists():
        error = determine.exclude(status=ItemStatus.DONE).values_list("error", flat=True).first() or "not done"
        failure = f"The determination failed: {error}"
    prepared = job.items.filter(key="prepare").values_list("result", flat=True).first() or {}
    if failure is None and _records_seen(run) != {k: prepared.get(k) for k in ("records", "last_record")}:
        failure = "The participation data were replaced while the run was under way: run it again."
    if failure:
        QPDeterminationRun.objects.filter(pk=run.pk).update(
            status=QPDeterminationRun.Status.FAILED, failure=failure[:2000], finished_at=timezone.now()
        )
        _clear(run)
        return {"run": run.pk, "stage": stage, "published": False}
    _still_running(job)
    _finish(run)
    return {"run": run.pk, "stage": stage, "clinicians": run.clinicians, "published": True}


def _records_seen(run: QPDeterminationRun) -> dict:
    """How many records the snapshot has and the last one's id: an upload that replaces them changes both."""
    return ParticipationRecord.objects.filter(
        performance_year_id=run.performance_year_id, snapshot=run.snapshot
    ).aggregate(records=Count("id"), last_record=Max("id"))


def qp_run_cancelled(job: Job) -> None:
    """A ``qp_batch`` job was cancelled (in ``job_cancel``'s transaction): the run stops and its rows go;
    the previous run stays current. A run already published is left as it is."""
    run = QPDeterminationRun.objects.filter(job=job).first()
    if run is None or run.status not in UNDER_WAY:
        return
    QPDeterminationRun.objects.filter(pk=run.pk).update(
        status=QPDeterminationRun.Status.CANCELLED, finished_at=timezone.now()
    )
    # Its totals tables stay until the next run of any snapshot starts (``_prepare``): dropping them
    # here would wait for a determine stage still reading them, which itself waits for this transaction.
    table = QPDetermination._meta.db_table
    with connection.cursor() as cursor:  # a raw delete: no rows are loaded into Python
        # Only the model's own table name is formatted in; the run's id is a parameter.
        cursor.execute(f"DELETE FROM {table} WHERE run_id = %s", [run.pk])  # nosec B608


def qp_batch_run(*, run_id: int, set_based: bool | None = None) -> QPDeterminationRun:
    """Every stage of a queued run in one transaction (the command line and the tests); ``set_based``
    defaults to "on PostgreSQL"."""
    run = QPDeterminationRun.objects.select_related("performance_year").get(pk=run_id)
    if run.status != QPDeterminationRun.Status.QUEUED:
        return run
    if set_based is None:
        set_based = _set_based()
    _begin(run, set_based=set_based)
    try:
        with transaction.atomic():
            _prepare(run)
            parts = part_count(_records_seen(run)["records"], set_based=set_based)
            for part in range(parts):
                _determine(run, part=part, parts=parts)
            _finish(run)
    except Exception as error:
        QPDeterminationRun.objects.filter(pk=run.pk).update(
            status=QPDeterminationRun.Status.FAILED, failure=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def _begin(run: QPDeterminationRun, *, set_based: bool) -> None:
    params = run.performance_year.to_rule_parameters()
    run.status, run.started_at = QPDeterminationRun.Status.RUNNING, timezone.now()
    run.method = "set-based SQL" if set_based else "streamed Python"
    run.parameters = year_parameters_to_mapping(params)
    run.medicaid_counties = sorted(medicaid_apm_counties(run.performance_year.year))
    run.save(update_fields=["status", "started_at", "method", "parameters", "medicaid_counties"])


def _prepare(run: QPDeterminationRun) -> None:
    """Write the run's group totals (set-based path), after dropping those left by runs no longer under way."""
    if run.method != "set-based SQL":
        return
    left = QPDeterminationRun.objects.filter(pk__in=qp_batch_sql.runs_with_totals()).exclude(status__in=UNDER_WAY)
    for run_id in left.values_list("pk", flat=True):
        qp_batch_sql.drop_totals(run_id=run_id)
    qp_batch_sql.stage_totals(run=run, params=run.performance_year.to_rule_parameters())


def _determine(run: QPDeterminationRun, *, part: int, parts: int) -> int:
    params = run.performance_year.to_rule_parameters()
    if run.method == "set-based SQL":
        return qp_batch_sql.determine_part(run=run, params=params, part=part, parts=parts)
    return _determine_streamed(run=run, params=params)


def _clear(run: QPDeterminationRun) -> None:
    if run.method == "set-based SQL":
        qp_batch_sql.drop_totals(run_id=run.pk)


def _finish(run: QPDeterminationRun) -> None:
    """Count the run's results and make it the snapshot's current run (the caller's transaction)."""
    PerformanceYear.objects.select_for_update().get(pk=run.performance_year_id)
    counts = dict(
        QPDetermination.objects.filter(run=run).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    run.records = ParticipationRecord.objects.filter(
        performance_year_id=run.performance_year_id, snapshot=run.snapshot
    ).count()
    run.qp_count = counts.get(QPStatus.QP.value, 0)
    run.partial_qp_count = counts.get(QPStatus.PARTIAL_QP.value, 0)
    run.none_count = counts.get(QPStatus.NONE.value, 0)
    run.clinicians = run.qp_count + run.partial_qp_count + run.none_count
    QPDeterminationRun.objects.filter(
        performance_year_id=run.performance_year_id, snapshot=run.snapshot, is_current=True
    ).update(is_current=False)
    run.status, run.is_current, run.finished_at = QPDeterminationRun.Status.FINISHED, True, timezone.now()
    run.save()
    _clear(run)


# --- The streamed Python path: the reference rules, one participation record at a time ----------------


def _portion(numerator, denominator) -> Portion | None:
    if denominator is None:
        return None
    return Portion(Decimal(numerator), Decimal(denominator))


def participation_of(row: dict, medicaid_counties: Collection[str] = ()) -> Participation:
    """A record as the rules see it, its Medicaid figures added to the other payers' where they count."""
    included = medicaid_included(row["county_fips"], row["medicaid_specialty_eligible"], medicaid_counties)
    others = {
        method: other_payers_after_exclusions(
            _portion(row[f"other_{method}_numerator"], row[f"other_{method}_denominator"]),
            _portion(row[f"medicaid_{method}_numerator"], row[f"medicaid_{method}_denominator"]),
            medicaid_included=included,
        )
        for method in METHODS
    }
    return Participation(
        npi=row["npi"],
        tin=row["tin"],
        apm_entity_id=row["apm_entity_id"],
        affiliated_practitioner=row["affiliated_practitioner"],
        all_payer_level=Level(row["all_payer_level"]),
        medicare_payment=_portion(row["medicare_payment_numerator"], row["medicare_payment_denominator"]),
        medicare_patient=_portion(row["medicare_patient_numerator"], row["medicare_patient_denominator"]),
        other_payment=others["payment"],
        other_patient=others["patient"],
    )


FIGURES = tuple(
    f"{part}_{method}_{end}"
    for part in ("medicare", "other", "medicaid")
    for method in METHODS
    for end in ("numerator", "denominator")
)
COLUMNS = ("npi", "tin", "apm_entity_id", "affiliated_practitioner", "all_payer_level", "county_fips",
           "medicaid_specialty_eligible", *FIGURES)  # fmt: skip


def _group_totals(
    records, medicaid_counties, submitted: SubmittedFigures
) -> tuple[dict[str, GroupTotals], dict[tuple, GroupTotals]]:
    """Each APM Entity's and each TIN's sums over its participants who are not Affiliated Practitioners,
    from one streamed pass (only the totals are kept)."""
    entities: dict[str, GroupTotals] = {}
    tins: dict[tuple, GroupTotals] = {}
    for row in records.filter(affiliated_practitioner=False).values(*COLUMNS).iterator(chunk_size=CHUNK):
        participation = participation_of(submitted.feed(row), medicaid_counties)
        entity, tin = participation.apm_entity_id, (participation.apm_entity_id, participation.tin)
        entities[entity] = group_add(entities.get(entity, GroupTotals()), participation)
        tins[tin] = group_add(tins.get(tin, GroupTotals()), participation)
    return entities, tins


def snapshot_results(
    records, params: YearParameters, medicaid_counties: Collection[str] = (), submitted: SubmittedFigures | None = None
) -> Iterator[ParticipationResult]:
    """Each clinician's best participation result, streamed in NPI order (the reference for the SQL), with
    ``submitted`` All-Payer QP figures fed to the records they apply to (``rules/qp_submitted.py``)."""
    submitted = submitted or SubmittedFigures()
    if submitted:
        group_columns = ("npi", "tin", "apm_entity_id", "affiliated_practitioner", *CARRIED)
        submitted.add_groups(records.values(*group_columns).iterator(chunk_size=CHUNK))
    entities, tins = _group_totals(records, medicaid_counties, submitted)
    rows = records.order_by("npi", "apm_entity_id", "tin").values(*COLUMNS).iterator(chunk_size=CHUNK)
    for _npi, group in itertools.groupby(rows, key=lambda row: row["npi"]):
        participations = [participation_of(submitted.feed(row), medicaid_counties) for row in group]
        for p in participations:
            # An APM Entity whose only records are Affiliated Practitioners has no group totals.
            entities.setdefault(p.apm_entity_id, GroupTotals())
        results = clinician_results(params, participations, entities, tins)
        yield best_of(results), len(results)


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def determination_values(result: ParticipationResult, participations: int, earlier: QPStatus | None) -> dict:
    p, outcome, all_payer = result.participation, result.result, result.all_payer_scores
    return {
        "npi": p.npi,
        "tin": p.tin,
        "apm_entity_id": p.apm_entity_id,
        "affiliated_practitioner": p.affiliated_practitioner,
        "participations": participations,
        "level": result.level.value,
        "status": outcome.status.value,
        "medicare_option_status": outcome.medicare_option_status.value,
        "all_payer_status": outcome.all_payer_status.value if outcome.all_payer_status else None,
        "best_status": best_status([outcome.status, *([earlier] if earlier else [])]).value,
        "basis": result.basis.value,
        "medicare_payment_score": _score(outcome.scores.medicare_payment),
        "medicare_patient_score": _score(outcome.scores.medicare_patient),
        "all_payer_medicare_payment_score": _score(all_payer.medicare_payment),
        "all_payer_medicare_patient_score": _score(all_payer.medicare_patient),
        "all_payer_payment_score": _score(all_payer.all_payer_payment),
        "all_payer_patient_score": _score(all_payer.all_payer_patient),
        "weighted": result.weighted,
        "provisional": result.provisional,
        "individual_fallback": result.individual_fallback,
        "medicare_payment_denominator": result.medicare_denominators["payment"],
        "medicare_patient_denominator": result.medicare_denominators["patient"],
        "all_payer_payment_denominator": result.all_payer_denominators["payment"]
        if all_payer.all_payer_payment is not None
        else None,
        "all_payer_patient_denominator": result.all_payer_denominators["patient"]
        if all_payer.all_payer_patient is not None
        else None,
    }


def earlier_best_statuses(run: QPDeterminationRun) -> dict[str, QPStatus]:
    """Each clinician's best status in the current runs of the year's earlier snapshots."""
    rows = QPDetermination.objects.filter(
        run__performance_year_id=run.performance_year_id, run__snapshot__lt=run.snapshot, run__is_current=True
    ).values_list("npi", "status")
    best: dict[str, QPStatus] = {}
    for npi, status in rows.iterator(chunk_size=CHUNK):
        best[npi] = best_status([QPStatus(status), best.get(npi, QPStatus.NONE)])
    return best


def _determine_streamed(*, run: QPDeterminationRun, params: YearParameters) -> int:
    records = ParticipationRecord.objects.filter(performance_year_id=run.performance_year_id, snapshot=run.snapshot)
    earlier = earlier_best_statuses(run)
    batch, written = [], 0
    submitted = submitted_figures(performance_year_id=run.performance_year_id, snapshot=run.snapshot)
    for result, participations in snapshot_results(records, params, frozenset(run.medicaid_counties), submitted):
        values = determination_values(result, participations, earlier.get(result.participation.npi))
        batch.append(QPDetermination(run=run, year=params.year, snapshot=run.snapshot, **values))
        if len(batch) >= CHUNK:
            written += len(QPDetermination.objects.bulk_create(batch))
            batch = []
    return written + len(QPDetermination.objects.bulk_create(batch))
