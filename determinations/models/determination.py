"""CMS's decision on a submission; approved ones make up the published Other Payer Advanced APM list."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DeterminationOutcome(models.TextChoices):
    APPROVED = "approved", "Other Payer Advanced APM"
    REJECTED = "rejected", "Not an Other Payer Advanced APM"


class Determination(models.Model):
    submission = models.ForeignKey("determinations.Submission", on_delete=models.PROTECT, related_name="determinations")
    arrangement = models.ForeignKey(
        "determinations.Arrangement", on_delete=models.PROTECT, related_name="determinations"
    )
    outcome = models.CharField(max_length=10, choices=DeterminationOutcome.choices)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list, blank=True)
    years_reason = models.TextField(
        blank=True, help_text="Why the lead approved fewer years than the request asked for."
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reviewer who recommended the decision (never the same person as the deciding lead).",
    )
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a lead reopens the decision; the next decision replaces it."
    )
    letter = models.FileField(upload_to="letters/", blank=True, max_length=255)
    applied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="The Payer Initiated determination this one applies to a linked Eligible Clinician Initiated "
        "request (not listed again on the public list).",
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["outcome", "first_year", "last_year"])]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")), name="determination_year_range"),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(superseded_at__isnull=True), name="determination_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.submission.arrangement_name}: {self.get_outcome_display()} ({self.first_year}–{self.last_year})"

    @property
    def effective_years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))
