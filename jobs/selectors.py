"""Reads of batch jobs: progress counted from the items, failures, and the results as CSV."""

from collections.abc import Iterator

from django.db.models import Count

from .kinds import KINDS
from .models import ItemStatus, Job, JobItem


def job_progress(job: Job) -> dict:
    """Counts per item status; the figures shown are the items stamped done, nothing estimated."""
    counts = dict(job.items.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    done, failed = counts.get(ItemStatus.DONE, 0), counts.get(ItemStatus.FAILED, 0)
    processed = done + failed
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total": job.total_items,
        "done": done,
        "failed": failed,
        "pending": counts.get(ItemStatus.PENDING, 0),
        "processed": processed,
        "percent": 100 if job.total_items == 0 else int(processed * 100 / job.total_items),
        "finished": not job.is_running,
        "stalled_at": job.stalled_at.isoformat() if job.stalled_at else None,
    }


def job_failures(job: Job, *, limit: int = 100) -> list[JobItem]:
    return list(job.items.filter(status=ItemStatus.FAILED).order_by("pk")[:limit])


def jobs_recent(*, limit: int = 50) -> list[Job]:
    jobs = list(Job.objects.select_related("created_by")[:limit])
    for job in jobs:
        job.kind_label = KINDS[job.kind].label if job.kind in KINDS else job.kind
    return jobs


def job_results_header(job: Job) -> list[str]:
    return ["item", "status", "error", *KINDS[job.kind].columns]


def job_results_rows(job: Job, *, chunk_size: int = 2000) -> Iterator[list]:
    """One row per item: its key, status, error and the kind's result columns (read in chunks)."""
    columns = KINDS[job.kind].columns
    items = job.items.order_by("pk").values_list("key", "status", "error", "result")
    for key, status, error, result in items.iterator(chunk_size=chunk_size):
        yield [key, status, error, *(result.get(column, "") for column in columns)]
