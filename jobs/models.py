"""A batch job and its items.

A ``Job`` is one run of a registered kind (``jobs/kinds.py``) with its parameters. Its work is a
list of ``JobItem`` rows, one per object, numbered into chunks; each chunk is one Celery task.
An item's effect and its "done" stamp commit in one transaction, so an item is done exactly once
however often its chunk is delivered, and the progress (counted from the items) is the work done.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FINISHED_WITH_FAILURES = "failures", "Finished with failures"
    CANCELLED = "cancelled", "Cancelled"


class Job(models.Model):
    kind = models.CharField(max_length=60)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.RUNNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total_items = models.PositiveIntegerField(default=0)
    chunk_count = models.PositiveIntegerField(default=0)
    stalled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweeper last found it making no progress (program admins were told)."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_by_status")]

    def __str__(self):
        return f"Job {self.pk} ({self.kind}, {self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status == JobStatus.RUNNING


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobItem(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=100, help_text="the object the item is about, usually its id")
    chunk = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="job_item_once")]
        indexes = [
            models.Index(fields=["job", "chunk", "id"], name="job_item_pending", condition=Q(status="pending")),
            models.Index(fields=["job", "status"], name="job_item_by_status"),
        ]

    def __str__(self):
        return f"{self.job_id}/{self.key} ({self.status})"
