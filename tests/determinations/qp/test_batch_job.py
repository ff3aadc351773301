"""The QP batch as a ``jobs`` Job: started from /program/qp/ (or the jobs page), three stages with a
progress bar, cancellable before it publishes; a re-run replaces the current results at once and
keeps the previous run with its rows as history."""

import pytest
from django.urls import reverse

from determinations.models import ParticipationRecord, QPDetermination, QPDeterminationRun
from determinations.services import qp_batch, qp_batch_sql
from determinations.services.qp_batch import RunCancelled, qp_run_stage, qp_run_start
from jobs.models import ItemStatus, Job, JobStatus
from jobs.services import job_cancel, job_chunk_run

from .test_pages import demo_entity, run_batch, upload, worker  # noqa: F401 (fixtures)


@pytest.fixture
def loaded(client, signed_in, program_admin, years, demo_entity, upload):  # noqa: F811
    client = signed_in(program_admin)
    assert upload(client).status_code == 302
    return client


def test_a_run_from_the_qp_page_is_a_job_of_stages(loaded, run_batch):  # noqa: F811
    response = run_batch(loaded)
    run = QPDeterminationRun.objects.select_related("job").get()
    assert response.url == reverse("determinations:qp_run_detail", args=[run.pk])
    assert (run.status, run.is_current, run.job.kind, run.job.status) == ("finished", True, "qp_batch", "succeeded")
    items = list(run.job.items.order_by("pk").values_list("key", "status", "result"))
    assert [(key, status) for key, status, _ in items] == [(s, "done") for s in ("prepare", "determine 1/1", "publish")]
    assert items[1][2]["clinicians"] == 8 and items[2][2]["published"] is True
    page = loaded.get(response.url).content.decode()
    assert 'id="job-progress-bar"' in page and 'value="3"' in page
    assert "Cancel the run" not in page  # nothing left to cancel


def test_a_rerun_replaces_the_results_and_keeps_the_previous_run(loaded, run_batch):  # noqa: F811
    run_batch(loaded)
    run_batch(loaded)
    first, second = QPDeterminationRun.objects.order_by("pk")
    assert (first.is_current, second.is_current) == (False, True)
    assert QPDetermination.objects.filter(run=first).count() == QPDetermination.objects.filter(run=second).count() == 8


def test_cancelling_after_the_determination_keeps_the_current_results(loaded, run_batch, years, program_admin):  # noqa: F811
    run_batch(loaded)
    current = QPDeterminationRun.objects.get()
    run, reason = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)  # not run yet
    assert reason == "" and run.status == "queued"
    qp_run_stage(job=run.job, stage="prepare")
    qp_run_stage(job=run.job, stage="determine 1/1")
    assert QPDetermination.objects.filter(run=run).count() == 8
    page = loaded.get(reverse("determinations:qp_run_detail", args=[run.pk])).content.decode()
    assert "Cancel the run" in page
    response = loaded.post(reverse("determinations:qp_run_cancel", args=[run.pk]))
    assert response.url == reverse("determinations:qp_run_detail", args=[run.pk])
    run.refresh_from_db()
    current.refresh_from_db()
    assert (run.status, run.is_current, run.job.status) == ("cancelled", False, JobStatus.CANCELLED)
    assert (current.is_current, QPDetermination.objects.filter(run=current).count()) == (True, 8)
    assert not QPDetermination.objects.filter(run=run).exists()
    assert job_chunk_run(job_id=run.job.pk, chunk=0) == 0  # a late delivery of its chunk does nothing
    page = loaded.get(reverse("determinations:qp_run_detail", args=[run.pk])).content.decode()
    assert "Cancelled by" in page and "The previous results stay current" in page
    again = loaded.post(reverse("determinations:qp_run_cancel", args=[run.pk]), follow=True)
    assert "already cancelled" in again.content.decode()


def test_a_stage_that_finishes_after_a_cancel_keeps_nothing(loaded, years, program_admin):
    run, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)
    qp_run_stage(job=run.job, stage="prepare")
    Job.objects.filter(pk=run.job.pk).update(status=JobStatus.CANCELLED)  # cancelled while determine runs
    with pytest.raises(RunCancelled):
        qp_run_stage(job=run.job, stage="determine 1/1")


def test_a_failed_determination_fails_the_run_and_publishes_nothing(loaded, years, program_admin):
    run, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)
    qp_run_stage(job=run.job, stage="prepare")
    run.job.items.filter(key="determine 1/1").update(status=ItemStatus.FAILED, error="DataError: numeric overflow")
    assert qp_run_stage(job=run.job, stage="publish")["published"] is False
    run.refresh_from_db()
    assert (run.status, run.is_current) == ("failed", False)
    assert "numeric overflow" in run.failure


def test_the_jobs_page_starts_a_qp_run_too(loaded, worker):  # noqa: F811
    with worker():
        response = loaded.post(reverse("jobs:job_start", args=["qp_batch"]), {"year": 2026, "snapshot": 1})
    job = Job.objects.get(kind="qp_batch")
    assert response.url == reverse("jobs:job_detail", args=[job.pk])
    assert (job.status, job.qp_run.status, job.qp_run.clinicians) == ("succeeded", "finished", 8)


def test_the_jobs_page_refuses_a_snapshot_without_data_or_with_a_run_under_way(loaded, years, program_admin):
    response = loaded.post(reverse("jobs:job_start", args=["qp_batch"]), {"year": 2026, "snapshot": 2})
    assert response.status_code == 400
    assert "No participation data is loaded for 2026 snapshot 2" in response.content.decode()
    run, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)  # queued, not run
    response = loaded.post(reverse("jobs:job_start", args=["qp_batch"]), {"year": 2026, "snapshot": 1})
    assert response.status_code == 400
    assert f"Run {run.pk} for 2026 snapshot 1 is already under way" in response.content.decode()
    assert Job.objects.filter(kind="qp_batch").count() == 1


def test_a_large_snapshot_is_determined_in_parts_one_stage_each(loaded, years, program_admin, monkeypatch):
    """Each determine stage is one part of the clinicians, so each stays well within a chunk task's time
    limit; together they write every clinician once, and publish counts them all."""
    monkeypatch.setattr(qp_batch, "PART_RECORDS", 3)
    run, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)
    keys = list(run.job.items.order_by("pk").values_list("key", flat=True))
    assert keys == ["prepare", "determine 1/3", "determine 2/3", "determine 3/3", "publish"]
    assert job_chunk_run(job_id=run.job.pk, chunk=0) == 5
    run.refresh_from_db()
    parts = [
        r["clinicians"] for r in run.job.items.filter(key__startswith="determine").values_list("result", flat=True)
    ]
    assert sum(parts) == run.clinicians == QPDetermination.objects.filter(run=run).count() == 8
    assert (run.status, run.is_current) == ("finished", True)
    assert not qp_batch_sql.runs_with_totals()  # the run's group totals are dropped once it publishes


def test_a_run_whose_records_were_replaced_meanwhile_does_not_publish(loaded, years, program_admin):
    run, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)
    qp_run_stage(job=run.job, stage="prepare")
    qp_run_stage(job=run.job, stage="determine 1/1")
    run.job.items.filter(key__in=["prepare", "determine 1/1"]).update(status=ItemStatus.DONE)
    record = ParticipationRecord.objects.filter(performance_year=years[2026], snapshot=1).first()
    record.pk = None
    record.npi = "1245319599"
    record.save()  # a new upload replaced the snapshot's records while the run was under way
    assert qp_run_stage(job=run.job, stage="publish")["published"] is False
    run.refresh_from_db()
    assert (run.status, run.is_current) == ("failed", False)
    assert "replaced while the run was under way" in run.failure


def test_a_cancelled_runs_totals_are_dropped_when_the_next_run_starts(loaded, years, program_admin):
    run, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)
    qp_run_stage(job=run.job, stage="prepare")
    assert qp_batch_sql.runs_with_totals() == [run.pk]
    job_cancel(job_id=run.job.pk, actor=program_admin)
    assert qp_batch_sql.runs_with_totals() == [run.pk]  # a determine stage might still be reading them
    after, _ = qp_run_start(performance_year=years[2026], snapshot=1, started_by=program_admin)
    qp_run_stage(job=after.job, stage="prepare")
    assert qp_batch_sql.runs_with_totals() == [after.pk]
