"""What CMS reviewers record: criterion results and findings, information requests, notes, conflicts."""

from django.conf import settings
from django.db import models


class Criterion(models.TextChoices):
    CEHRT = "cehrt", "Use of CEHRT"
    QUALITY = "quality", "Quality measures comparable to MIPS"
    FINANCIAL_RISK = "financial_risk", "More than nominal financial risk"


class Finding(models.TextChoices):
    MEETS = "meets", "Meets"
    DOES_NOT_MEET = "does_not_meet", "Does not meet"
    NEEDS_INFORMATION = "needs_information", "Needs information"


class CriterionResult(models.Model):
    """Per submission and criterion: the automatic outcome with its reasons, and the reviewer's finding."""

    submission = models.ForeignKey(
        "determinations.Submission", on_delete=models.CASCADE, related_name="criterion_results"
    )
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    automatic_outcome = models.CharField(max_length=20)
    automatic_result = models.JSONField(default=dict, help_text="The rules' result: reasons, missing inputs, checks.")
    provisional = models.BooleanField(default=False)
    finding = models.CharField(max_length=20, choices=Finding.choices, blank=True)
    rationale = models.TextField(blank=True)
    finding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding_at = models.DateTimeField(null=True, blank=True)
    locked = models.BooleanField(default=False, help_text="Locked when the reviewer recommends a decision.")

    class Meta:
        ordering = ["submission", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="criterion_result_one_per_criterion"),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()} for {self.submission}"


class InformationRequest(models.Model):
    submission = models.ForeignKey(
        "determinations.Submission", on_delete=models.CASCADE, related_name="information_requests"
    )
    question = models.TextField()
    due_at = models.DateTimeField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    answers_before = models.JSONField(default=dict, help_text="The answers when CMS asked, to show what changed.")
    measures_before = models.JSONField(default=list, blank=True, help_text="The quality measures when CMS asked.")
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the reviewer went on without an answer after the due date."
    )

    class Meta:
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["responded_at", "due_at"])]

    def __str__(self):
        return f"Question on {self.submission} due {self.due_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.responded_at is None and self.closed_at is None

    def is_overdue(self, now) -> bool:
        return self.is_open and now > self.due_at


class InternalNote(models.Model):
    """A note CMS staff keep on a submission; submitters never see it."""

    submission = models.ForeignKey("determinations.Submission", on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Note by {self.author} on {self.submission}"


class ConflictOfInterest(models.Model):
    """A reviewer's declared conflict with an organization: they are recused from all its submissions."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        "determinations.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The submission on which the conflict was declared, if any.",
    )
    reason = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "organization"], name="conflict_one_per_reviewer_organization"),
        ]

    def __str__(self):
        return f"{self.reviewer} conflicted with {self.organization}"
