"""The evidence a submission carries: its quality measures and its uploaded documents."""

from django.conf import settings
from django.db import models


class MeasureBasis(models.TextChoices):
    MIPS_LIST = "mips_list", "On the MIPS quality measure list for the year"
    CBE_ENDORSED = "cbe_endorsed", "Endorsed by a consensus-based entity"
    EVIDENCE_BASED = "evidence_based", "Evidence-based, reliable and valid (for CMS to determine)"


class ArrangementMeasure(models.Model):
    submission = models.ForeignKey("determinations.Submission", on_delete=models.CASCADE, related_name="measures")
    mips_measure = models.ForeignKey(
        "determinations.MipsMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=500)
    measure_identifier = models.CharField(max_length=50, blank=True)
    basis = models.CharField(max_length=20, choices=MeasureBasis.choices)
    cbe_id = models.CharField("consensus-based entity endorsement ID", max_length=50, blank=True)
    evidence_rationale = models.TextField(blank=True)
    is_outcome = models.BooleanField(default=False)
    steward = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "mips_measure"],
                condition=models.Q(mips_measure__isnull=False),
                name="arrangement_measure_unique_mips_measure",
            ),
        ]

    def __str__(self):
        return f"{self.measure_identifier} {self.title}".strip()


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document (DOCX)"
    XLSX = "xlsx", "Excel workbook (XLSX)"
    CSV = "csv", "CSV"


class DocumentSection(models.TextChoices):
    ARRANGEMENT = "arrangement", "The contract or arrangement agreement"
    CEHRT = "cehrt", "CEHRT use"
    QUALITY = "quality", "Quality measures"
    FINANCIAL_RISK = "financial_risk", "Financial risk"
    OTHER = "other", "Other supporting document"


def document_path(document, filename: str) -> str:
    # The stored name is the digest, never the uploader's file name. MEDIA_ROOT is outside the
    # web root and has no URL: documents are only sent through the permission-checked view.
    return f"documents/submissions/{document.submission_id}/{document.sha256}.{document.kind}"


class Document(models.Model):
    submission = models.ForeignKey("determinations.Submission", on_delete=models.CASCADE, related_name="documents")
    section = models.CharField(max_length=20, choices=DocumentSection.choices)
    description = models.CharField(max_length=300, blank=True, help_text="What it shows, with page references.")
    file = models.FileField(upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    information_request = models.ForeignKey(
        "determinations.InformationRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="The CMS question this document answers, when it was added while answering one.",
    )

    class Meta:
        ordering = ["section", "uploaded_at"]

    def __str__(self):
        return self.original_name


class CriterionCitation(models.Model):
    """Where in a document the submitter shows that the arrangement meets a criterion."""

    submission = models.ForeignKey("determinations.Submission", on_delete=models.CASCADE, related_name="citations")
    criterion = models.CharField(
        max_length=20,
        choices=[(k, v) for k, v in DocumentSection.choices if k in ("cehrt", "quality", "financial_risk")],
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citations")
    page = models.PositiveIntegerField(help_text="The page of the document that supports the criterion.")
    note = models.CharField(max_length=300, blank=True, help_text="The section or clause, in a few words.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(page__gte=1), name="criterion_citation_page_positive"),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.document} p. {self.page}"
