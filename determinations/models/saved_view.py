"""A reviewer's own named view of the review queue: a name and the queue's filters as a query string."""

from django.conf import settings
from django.db import models


class SavedQueueView(models.Model):
    """Filters a reviewer or lead saved under a name; listed beside the built-in views, for them alone."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_views")
    name = models.CharField(max_length=60)
    query = models.CharField(
        max_length=1000, blank=True, help_text="The queue's filters, URL-encoded (only known filters, no page)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_queue_view_one_name_per_owner"),
        ]

    def __str__(self):
        return self.name
