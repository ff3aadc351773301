"""QP determinations: the participation data of each snapshot, the batch runs and their results.

``ParticipationRecord`` holds one snapshot's figures per clinician (NPI), TIN and APM Entity, loaded
by the program admin's upload (``ParticipationUpload``) or by ``manage.py determine_qp``.
``QPDeterminationRun`` is one run of the batch over a year's snapshot; its ``QPDetermination`` rows
are the results, one per clinician. A re-run replaces the current run of that snapshot in one
transaction; older runs and their rows stay as history (``is_current`` false).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from determinations.rules.qp_levels import Basis, Level
from determinations.rules.qp_thresholds import QPStatus

SNAPSHOTS = [(1, "Snapshot 1 (January 1 - March 31)"), (2, "Snapshot 2 (January 1 - June 30)"),
             (3, "Snapshot 3 (January 1 - August 31)")]  # fmt: skip
NPI_FORMAT = RegexValidator(r"^\d{10}$", "An NPI is ten digits.")


class QPStatusChoice(models.TextChoices):
    QP = QPStatus.QP.value, "QP"
    PARTIAL_QP = QPStatus.PARTIAL_QP.value, "Partial QP"
    NONE = QPStatus.NONE.value, "Not a QP"


class LevelChoice(models.TextChoices):
    ENTITY = Level.ENTITY.value, "APM Entity"
    TIN = Level.TIN.value, "TIN"
    CLINICIAN = Level.CLINICIAN.value, "Eligible clinician"


class BasisChoice(models.TextChoices):
    MEDICARE_OPTION = Basis.MEDICARE_OPTION.value, "Medicare Option"
    ALL_PAYER = Basis.ALL_PAYER.value, "All-Payer Combination Option"
    ALL_PAYER_NOT_AVAILABLE = Basis.ALL_PAYER_NOT_AVAILABLE.value, "All-Payer Combination Option not available"
    NO_ALL_PAYER_DATA = Basis.NO_ALL_PAYER_DATA.value, "No All-Payer data submitted"
    BELOW_MEDICARE_MINIMUM = Basis.BELOW_MEDICARE_MINIMUM.value, "Medicare scores below the Medicare minimum"
    BELOW_ALL_PAYER_THRESHOLDS = Basis.BELOW_ALL_PAYER_THRESHOLDS.value, "All-Payer scores below the thresholds"


def _money(verbose_name: str, *, optional: bool = False) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, null=optional, blank=optional)


def _count(verbose_name: str, *, optional: bool = False) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(verbose_name, null=optional, blank=optional)


def _score(verbose_name: str, *, optional: bool = False) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=9, null=optional, blank=optional)


class ParticipationUpload(models.Model):
    """One CSV of participation data a program admin uploaded for a year and snapshot."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking"
        REJECTED = "rejected", "Rejected: bad rows"
        LOADED = "loaded", "Loaded"
        FAILED = "failed", "Failed"

    performance_year = models.ForeignKey("PerformanceYear", on_delete=models.PROTECT, related_name="qp_uploads")
    snapshot = models.PositiveSmallIntegerField(choices=SNAPSHOTS)
    file = models.FileField(upload_to="qp-participation/%Y/")
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALIDATING)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.performance_year.year} snapshot {self.snapshot})"


class ParticipationUploadError(models.Model):
    """A bad row of an upload: its line in the file and why it was refused."""

    upload = models.ForeignKey(ParticipationUpload, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self):
        return f"line {self.line}: {self.reason}"


class ParticipationRecord(models.Model):
    """Medicare and other-payer figures of a clinician in an APM Entity, Jan 1 through the snapshot date."""

    performance_year = models.ForeignKey("PerformanceYear", on_delete=models.PROTECT, related_name="+")
    snapshot = models.PositiveSmallIntegerField(choices=SNAPSHOTS)
    upload = models.ForeignKey(ParticipationUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    npi = models.CharField("NPI", max_length=10, validators=[NPI_FORMAT])
    tin = models.CharField("TIN", max_length=9)
    apm_entity_id = models.CharField("APM Entity ID", max_length=50)
    affiliated_practitioner = models.BooleanField(default=False)
    all_payer_level = models.CharField(max_length=10, choices=LevelChoice.choices, default=LevelChoice.ENTITY)
    medicare_payment_numerator = _money("Part B payments for attributed beneficiaries")
    medicare_payment_denominator = _money("Part B payments for attribution-eligible beneficiaries")
    medicare_patient_numerator = _count("attributed beneficiaries")
    medicare_patient_denominator = _count("attribution-eligible beneficiaries")
    other_payment_numerator = _money("other payers' payments through Other Payer Advanced APMs", optional=True)
    other_payment_denominator = _money("other payers' payments in total", optional=True)
    other_patient_numerator = _count("other payers' patients through Other Payer Advanced APMs", optional=True)
    other_patient_denominator = _count("other payers' patients in total", optional=True)
    # Medicaid kept apart: it counts only where the batch finds a Medicaid Other Payer Advanced APM in
    # the county where the clinician sees the most patients, open to their specialty (414.1440(a)(2)).
    county_fips = models.CharField("county where the clinician sees the most patients", max_length=5, blank=True)
    medicaid_specialty_eligible = models.BooleanField("specialty eligible for the county's Medicaid APMs", default=True)
    medicaid_payment_numerator = _money("Medicaid payments through Other Payer Advanced APMs", optional=True)
    medicaid_payment_denominator = _money("Medicaid payments in total", optional=True)
    medicaid_patient_numerator = _count("Medicaid patients through Other Payer Advanced APMs", optional=True)
    medicaid_patient_denominator = _count("Medicaid patients in total", optional=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["performance_year", "snapshot", "npi", "tin", "apm_entity_id"],
                name="participation_record_unique",
            ),
        ]
        indexes = [models.Index(fields=["performance_year", "snapshot", "apm_entity_id", "tin"])]

    def __str__(self):
        return f"NPI {self.npi} / TIN {self.tin} in {self.apm_entity_id}"


class QPDeterminationRun(models.Model):
    """One run of the QP batch over a year's snapshot; the latest finished one is current."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    performance_year = models.ForeignKey("PerformanceYear", on_delete=models.PROTECT, related_name="qp_runs")
    job = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="qp_run",
        help_text="The job that ran it from the program admin's page (none from the command line).",
    )  # fmt: skip
    snapshot = models.PositiveSmallIntegerField(choices=SNAPSHOTS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    is_current = models.BooleanField(default=False)
    method = models.CharField(max_length=20, blank=True, help_text="set-based SQL or the streamed Python path")
    parameters = models.JSONField(default=dict, help_text="The year's figures the run compared scores with.")
    medicaid_counties = models.JSONField(
        default=list, blank=True, help_text="County FIPS codes with a Medicaid Other Payer Advanced APM that year."
    )
    records = models.PositiveIntegerField(default=0)
    clinicians = models.PositiveIntegerField(default=0)
    qp_count = models.PositiveIntegerField(default=0)
    partial_qp_count = models.PositiveIntegerField(default=0)
    none_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["performance_year", "snapshot"], condition=Q(is_current=True), name="qp_run_one_current"
            ),
        ]

    def __str__(self):
        return f"QP run {self.pk}: {self.performance_year.year} snapshot {self.snapshot} ({self.status})"


class QPDetermination(models.Model):
    """A clinician's QP result for one year and snapshot in one run, with every score the rules compared."""

    # Indexed through (run, npi) and (apm_entity_id, run) only: each index slows the batch's insert. No
    # foreign key constraint in the database: checking it cost a look-up per row at the batch's commit
    # (a third of writing the rows); only the batch writes these rows, under a run it created before, and
    # Django still deletes them with their run (decision 0037).
    run = models.ForeignKey(
        QPDeterminationRun, on_delete=models.CASCADE, related_name="determinations", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    year = models.PositiveSmallIntegerField()
    snapshot = models.PositiveSmallIntegerField(choices=SNAPSHOTS)
    npi = models.CharField("NPI", max_length=10)
    tin = models.CharField("TIN", max_length=9)
    apm_entity_id = models.CharField("APM Entity ID", max_length=50)
    affiliated_practitioner = models.BooleanField(default=False)
    participations = models.PositiveIntegerField(default=1, help_text="TIN/APM Entity records of this NPI.")
    level = models.CharField("All-Payer level", max_length=10, choices=LevelChoice.choices)
    status = models.CharField(max_length=20, choices=QPStatusChoice.choices)
    medicare_option_status = models.CharField(max_length=20, choices=QPStatusChoice.choices)
    all_payer_status = models.CharField(max_length=20, choices=QPStatusChoice.choices, null=True, blank=True)
    best_status = models.CharField(
        max_length=20, choices=QPStatusChoice.choices, help_text="The best status over this and earlier snapshots."
    )
    basis = models.CharField(max_length=40, choices=BasisChoice.choices)
    medicare_payment_score = _score("Medicare payment Threshold Score (%)")
    medicare_patient_score = _score("Medicare patient Threshold Score (%)")
    all_payer_medicare_payment_score = _score("Medicare payment score compared with the minimum (%)")
    all_payer_medicare_patient_score = _score("Medicare patient score compared with the minimum (%)")
    all_payer_payment_score = _score("All-Payer payment Threshold Score (%)", optional=True)
    all_payer_patient_score = _score("All-Payer patient Threshold Score (%)", optional=True)
    medicare_payment_denominator = _money("Medicare payment denominator at the level used")
    medicare_patient_denominator = _count("Medicare patient denominator at the level used")
    all_payer_payment_denominator = _money("All-Payer payment denominator", optional=True)
    all_payer_patient_denominator = _count("All-Payer patient denominator", optional=True)
    weighted = models.BooleanField(default=False, help_text="The weighted Medicare Threshold Score was used.")
    individual_fallback = models.BooleanField(
        default=False,
        help_text="Assessed individually too: in several APM Entities, none a QP as a group (42 CFR 414.1425(c)).",
    )
    provisional = models.BooleanField(default=False)

    class Meta:
        ordering = ["npi"]
        constraints = [models.UniqueConstraint(fields=["run", "npi"], name="qp_determination_unique_per_run")]
        indexes = [models.Index(fields=["apm_entity_id", "run"])]

    def __str__(self):
        return f"NPI {self.npi}: {self.get_status_display()} ({self.year} snapshot {self.snapshot})"


class ClinicianNpi(models.Model):
    """The NPI of a clinician's account, set by a program admin, so the clinician sees their QP status."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_npi")
    npi = models.CharField("NPI", max_length=10, unique=True, validators=[NPI_FORMAT])

    def __str__(self):
        return f"{self.user} (NPI {self.npi})"
