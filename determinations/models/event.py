"""The append-only log of what happened to a submission: audit trail, timeline and clock.

Rows are added by ``determinations.services.events.event_record``; migration 0006 makes the
database refuse any UPDATE or DELETE of them.
"""

from django.conf import settings
from django.db import models

from determinations.events import EventType, EventVisibility, event_label


class SubmissionEvent(models.Model):
    submission = models.ForeignKey("determinations.Submission", on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(max_length=10, choices=EventVisibility.choices, default=EventVisibility.PUBLIC)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["submission", "at"])]

    def __str__(self):
        return f"{self.event_type} on {self.submission_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Submission events are append-only.")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return event_label(self.event_type, self.payload)
