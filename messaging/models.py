"""One row per e-mail to one person: what to send, why, and what happened when it was sent.

The unique key (kind, object, recipient, occasion) makes queuing the same message twice a no-op:
a receipt is owed once per request and member, a question once per due date, a reminder once per
deadline and number of days before it. The rows that were sent are the record that CMS notified
the submitter (42 CFR 414.1445(f)); they are kept, never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NOT_DUE = "not_due", "Not sent: no longer owed"


class Message(models.Model):
    kind = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, help_text="app_label.model of the object the message is about")
    object_id = models.PositiveBigIntegerField()
    recipient = models.EmailField(max_length=254)
    occasion = models.CharField(max_length=100, blank=True, default="", help_text="e.g. the due date it is for")
    payload = models.JSONField(default=dict, blank=True, help_text="what the composer needs beyond the object")
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="what was sent, unless it carried a secret link")
    last_error = models.TextField(blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "occasion"], name="message_once"
            )
        ]
        indexes = [
            # The dispatcher's scan: only pending rows, soonest first.
            models.Index(fields=["next_attempt_at", "id"], name="message_pending", condition=Q(status="pending")),
            models.Index(fields=["status", "-created_at"], name="message_by_status"),
            models.Index(fields=["object_type", "object_id"], name="message_object"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient} ({self.get_status_display()})"
