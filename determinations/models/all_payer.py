"""The All-Payer QP Submission (42 CFR 414.1440(e)-(g), domain.md 4.6).

An APM Entity, a TIN or an eligible clinician gives, for each snapshot period, its total payments
and patients from all payers but Medicare, once (``AllPayerQPTotals``), and for each Other Payer
Advanced APM it took part in (``AllPayerQPArrangement``, an approved determination of the
performance year) the payments and patients through the arrangement (``AllPayerQPFigures``). Once
submitted, the QP batch reads the totals as the denominators and the arrangements' figures summed as
the numerators, for the records that match it by the level requested (``docs/qp.md``). A submission
is a draft, then submitted: it has no review of its own, so it keeps its two states here rather than
in the request workflow table.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .qp import SNAPSHOTS, LevelChoice


class AllPayerQPStatus(models.TextChoices):
    DRAFT = "draft", "Draft: not yet sent to CMS"
    SUBMITTED = "submitted", "Submitted to CMS"


class AllPayerQPSubmission(models.Model):
    tracking_number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="all_payer_qp_submissions"
    )
    performance_year = models.ForeignKey(
        "determinations.PerformanceYear", on_delete=models.PROTECT, related_name="all_payer_qp_submissions"
    )
    window = models.ForeignKey(
        "determinations.SubmissionWindow", on_delete=models.PROTECT, related_name="all_payer_qp_submissions"
    )
    status = models.CharField(max_length=20, choices=AllPayerQPStatus.choices, default=AllPayerQPStatus.DRAFT)
    # The level requested and whom it names: columns, because the QP batch matches records on them.
    level = models.CharField("level of determination requested", max_length=10, choices=LevelChoice.choices, blank=True)
    apm_entity_id = models.CharField("APM Entity ID", max_length=50, blank=True)
    tin = models.CharField("TIN", max_length=9, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    attestation = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organization", "-updated_at"])]
        constraints = [
            # One submitted set of figures per year for whom it names, so the batch reads one.
            models.UniqueConstraint(
                fields=["performance_year", "level", "apm_entity_id", "tin", "npi"],
                condition=Q(status="submitted"),
                name="all_payer_qp_one_submitted_per_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="draft") | Q(submitted_at__isnull=True), name="all_payer_qp_draft_not_submitted"
            ),
        ]

    def __str__(self):
        return self.tracking_number or f"Draft All-Payer QP submission {self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == AllPayerQPStatus.DRAFT

    def section(self, key: str) -> dict:
        return self.answers.get(key, {})


class AllPayerQPArrangement(models.Model):
    """An Other Payer Advanced APM the submitter took part in: an approved determination of the year."""

    submission = models.ForeignKey(AllPayerQPSubmission, on_delete=models.CASCADE, related_name="arrangements")
    determination = models.ForeignKey("determinations.Determination", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, help_text="The arrangement's name as CMS decided on it.")
    payer_name = models.CharField(max_length=200)
    # Medicaid figures are kept apart: they count only where the Medicaid test holds (414.1440(a)(2)).
    medicaid = models.BooleanField(help_text="A State Medicaid agency's arrangement (Title XIX).")

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "determination"], name="all_payer_qp_arrangement_once")
        ]

    def __str__(self):
        return f"{self.name} ({self.payer_name})"


def _money(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, null=True, blank=True)


def _count(verbose_name: str) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(verbose_name, null=True, blank=True)


class AllPayerQPTotals(models.Model):
    """The submission's totals for one snapshot period (January 1 through the snapshot date), stated once.

    The All-Payer denominators are the total payments and the total number of patients from all payers
    but Medicare (414.1440(b)-(c)): every payer, whether or not it has an Other Payer Advanced APM, and
    each patient once however many payers paid for them. Medicaid's are apart: they count only where the
    Medicaid test holds (414.1440(a)(2)). The ``excluded_*`` amounts (DoD/TRICARE and VA, 414.1440(a)(1))
    never enter a score: they are recorded so an audit (414.1460) can see what was left out.
    """

    submission = models.ForeignKey(AllPayerQPSubmission, on_delete=models.CASCADE, related_name="totals")
    snapshot = models.PositiveSmallIntegerField(choices=SNAPSHOTS)
    other_payments = _money("payments in total from all other payers (not Medicare or Medicaid)")
    other_patients = _count("patients in total of all other payers (not Medicare or Medicaid)")
    medicaid_payments = _money("Medicaid payments in total")
    medicaid_patients = _count("Medicaid patients in total")
    excluded_payments = _money("excluded payments (DoD/TRICARE, VA)")
    excluded_patients = _count("excluded patients (DoD/TRICARE, VA)")

    class Meta:
        ordering = ["snapshot"]
        constraints = [models.UniqueConstraint(fields=["submission", "snapshot"], name="all_payer_qp_totals_once")]

    def __str__(self):
        return f"{self.submission}: totals of snapshot {self.snapshot}"


class AllPayerQPFigures(models.Model):
    """What went through one arrangement in one snapshot period: the numerators; the totals are the
    submission's (``AllPayerQPTotals``)."""

    arrangement = models.ForeignKey(AllPayerQPArrangement, on_delete=models.CASCADE, related_name="figures")
    snapshot = models.PositiveSmallIntegerField(choices=SNAPSHOTS)
    payment_numerator = _money("payments through the arrangement")
    patient_numerator = _count("patients furnished services through the arrangement")

    class Meta:
        ordering = ["snapshot"]
        constraints = [models.UniqueConstraint(fields=["arrangement", "snapshot"], name="all_payer_qp_figures_once")]

    def __str__(self):
        return f"{self.arrangement}: snapshot {self.snapshot}"
