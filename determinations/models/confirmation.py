"""The yearly confirmation of a multi-year determination: what changed in the arrangement, or nothing.

Each later year a multi-year determination covers, its holder reports the changes relevant to the
criteria or confirms that nothing changed (domain.md 3.4), by that year's submission deadline. The
answers are saved step by step like a request's; once certified and sent, CMS staff acknowledge
it. One row per determination and year.
"""

from django.conf import settings
from django.db import models


class YearlyConfirmation(models.Model):
    determination = models.ForeignKey(
        "determinations.Determination", on_delete=models.PROTECT, related_name="confirmations"
    )
    year = models.PositiveSmallIntegerField(help_text="The performance year the confirmation is for.")
    answers = models.JSONField(default=dict, blank=True)
    attestation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement = models.TextField(blank=True, help_text="What CMS staff noted when they acknowledged it.")

    class Meta:
        ordering = ["determination", "year"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "year"], name="confirmation_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | models.Q(submitted_at__isnull=False),
                name="confirmation_acknowledged_after_sent",
            ),
        ]

    def __str__(self):
        return f"Confirmation for {self.year} of determination {self.determination_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def reports_changes(self) -> bool:
        return self.answers.get("changed") is True

    def section(self, key: str) -> dict:
        """The answers as the form engine reads a section (one section: the changes)."""
        return self.answers
