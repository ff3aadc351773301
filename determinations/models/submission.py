"""A payment arrangement and the determination requests made for it.

``Arrangement`` is the arrangement's identity across years; ``Submission`` is one request for a
determination (Payer Initiated or Eligible Clinician Initiated) with the answers of every form
section, kept as one JSON document in the shape the rules read (``docs/rules.md``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from determinations.choices import PayerType, Process, RequesterKind
from determinations.states import EDITABLE, OPEN, SubmissionStatus


class Arrangement(models.Model):
    """The arrangement's identity across years. Its ``name`` is the one its first request gave; no later
    request changes it. What a request asks about, and what CMS decides and publishes, is that request's
    own ``Submission.arrangement_name`` (docs/decisions/0027)."""

    name = models.CharField(max_length=200, help_text="The name its first request gave (never changed by later ones).")
    payer_name = models.CharField(max_length=200)
    payer_type = models.CharField(max_length=30, choices=PayerType.choices)
    payer_organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payer_arrangements",
        help_text="The payer's organization in the portal, when the payer submitted it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["payer_type", "payer_name"])]

    def __str__(self):
        return f"{self.name} ({self.payer_name})"


class Submission(models.Model):
    tracking_number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    process = models.CharField(max_length=30, choices=Process.choices)
    requester_kind = models.CharField(max_length=30, choices=RequesterKind.choices)
    payer_type = models.CharField(max_length=30, choices=PayerType.choices)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="submissions")
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="submissions")
    arrangement_name = models.CharField(
        max_length=200,
        help_text="The arrangement's name as this request gives it: what CMS decides on, lists and writes in letters.",
    )
    performance_year = models.ForeignKey(
        "determinations.PerformanceYear",
        on_delete=models.PROTECT,
        related_name="submissions",
        help_text="The first QP Performance Period the determination is asked for.",
    )
    years_requested = models.PositiveSmallIntegerField(
        default=1, help_text="Consecutive performance years asked for (a multi-year determination, up to 5)."
    )
    window = models.ForeignKey("determinations.SubmissionWindow", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(max_length=30, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField(default=dict, blank=True)
    attestation = models.JSONField(default=dict, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    precheck_outcome = models.CharField(
        max_length=20, blank=True, help_text="The automatic check's overall outcome when the request was submitted."
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_submissions"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When CMS aims to decide: the window's deadline plus REVIEW_TARGET_DAYS."
    )
    data_version = models.PositiveIntegerField(
        default=0,
        help_text="Moved by every event on the request (services/events.py): the key of its cached page fragments.",
    )
    payer_request = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_requests",
        help_text="For an Eligible Clinician Initiated request: the Payer Initiated request for the same "
        "arrangement a reviewer linked it to; that request's determination is applied to this one.",
    )

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "performance_year"]),
            models.Index(fields=["organization", "-updated_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["status", "review_due_at"]),
            # The review queue (determinations/selectors/review_queue.py): open requests in due and
            # submitted order without a sort, and a cheap "has anything changed" for its counts.
            models.Index(
                fields=["review_due_at", "id"],
                condition=Q(status__in=list(OPEN)),
                name="submission_open_due_idx",
            ),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=list(OPEN)),
                name="submission_open_submitted_idx",
            ),
            models.Index(fields=["updated_at"], name="submission_updated_at_idx"),
            # The lead's workload page counts each reviewer's open, overdue and decided requests from it.
            models.Index(
                fields=["assignee", "status", "review_due_at", "status_changed_at"], name="submission_workload_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(years_requested__gte=1) & Q(years_requested__lte=5),
                name="submission_years_requested_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.DRAFT) | Q(submitted_at__isnull=True),
                name="submission_draft_not_submitted",
            ),
        ]

    def __str__(self):
        return self.tracking_number or f"Draft request {self.pk}"

    @property
    def years(self) -> list[int]:
        first = self.performance_year.year
        return list(range(first, first + self.years_requested))

    @property
    def fragment_version(self) -> str:
        """What a cached fragment of this request's review page is keyed on.

        ``data_version`` moves with every event (notes, documents, findings, assignment, every
        transition); ``updated_at`` moves with every save of the row, so a full ``save()`` of an
        instance read before an event (which writes its older ``data_version`` back) still gives
        a key no fragment was stored under.
        """
        return f"{self.pk}:{self.data_version}:{self.updated_at.timestamp() if self.updated_at else 0}"

    @property
    def is_editable(self) -> bool:
        """A draft, or a submitted request while its submitter answers a question from CMS."""
        return self.status in EDITABLE

    def section(self, key: str) -> dict:
        return self.answers.get(key, {})
