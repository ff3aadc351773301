"""Performance years and their submission windows: the rule figures as data the program admin edits.

One ``PerformanceYear`` row per QP Performance Period holds every figure the rules use (one column
per field of ``rules.parameters.YearParameters``); ``to_rule_parameters`` hands them to the rules
as a validated value. ``load_reference_data`` fills both tables from
``determinations/reference_data/performance_years.json``.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from determinations.choices import PayerType, WindowProcess
from determinations.rules.inputs import RuleInputError
from determinations.rules.parameters import (
    VARIANT_LABELS,
    MarginalRiskVariant,
    MedicalHomeSizeVariant,
    QualityVariant,
    Window,
    YearParameters,
    year_parameters_from_mapping,
)
from qppportal.dates import date_text


def _percent(verbose_name: str, help_text: str = "", *, optional: bool = False) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=6, decimal_places=3, null=optional, blank=optional, help_text=help_text
    )


def _variant_choices(variant) -> list[tuple[str, str]]:
    return [(v.value, VARIANT_LABELS[v]) for v in variant]


class PerformanceYear(models.Model):
    year = models.PositiveSmallIntegerField(unique=True, help_text="The QP Performance Period (calendar year).")
    qp_period_start = models.DateField("QP Performance Period starts")
    qp_period_end = models.DateField("QP Performance Period ends")
    snapshot_1_date = models.DateField("first snapshot")
    snapshot_2_date = models.DateField("second snapshot")
    snapshot_3_date = models.DateField("third snapshot")

    cehrt_participant_percent = _percent(
        "CEHRT use required (%)", "Share of participants in each APM Entity (or each hospital) using CEHRT."
    )
    cehrt_definition = models.CharField("CEHRT definition", max_length=300, blank=True)

    quality_variant = models.CharField("outcome measure rule", max_length=40, choices=_variant_choices(QualityVariant))
    quality_legacy_for_prior_determinations = models.BooleanField(
        "2019 outcome rule for arrangements determined by January 1, 2020",
        default=False,
        help_text="42 CFR 414.1420(c)(3)(i): only for the CY2020 determination.",
    )

    nominal_revenue_percent = _percent("nominal amount, revenue-based (%)", optional=True)
    nominal_expenditure_percent = _percent("nominal amount, expenditure-based (%)")
    total_risk_minimum_percent_of_expenditures = _percent(
        "total potential risk minimum (% of expected expenditures)", "2019 only.", optional=True
    )
    marginal_risk_rate_minimum_percent = _percent("marginal risk rate minimum (%)")
    marginal_risk_variant = models.CharField(
        "marginal risk rate compared", max_length=20, choices=_variant_choices(MarginalRiskVariant)
    )
    minimum_loss_rate_allowance_percent = _percent("minimum loss rate allowance (%)")
    medicaid_medical_home_available = models.BooleanField("Medicaid Medical Home Model standard", default=False)
    aligned_medical_home_available = models.BooleanField(
        "Aligned Other Payer Medical Home Model standard", default=False
    )
    medical_home_nominal_percent = _percent(
        "medical home nominal amount (% of average estimated total revenue)", optional=True
    )
    medical_home_size_limit_variant = models.CharField(
        "medical home size limit measured", max_length=40, choices=_variant_choices(MedicalHomeSizeVariant)
    )
    medical_home_size_limit = models.PositiveSmallIntegerField("medical home size limit (eligible clinicians)")
    medical_home_min_elements = models.PositiveSmallIntegerField(
        "medical home elements required", help_text="Of the seven elements in 42 CFR 414.1305."
    )

    all_payer_option_available = models.BooleanField("All-Payer Combination Option available", default=True)
    medicare_qp_payment_percent = _percent("Medicare Option QP, payment amount (%)")
    medicare_qp_patient_percent = _percent("Medicare Option QP, patient count (%)")
    medicare_partial_qp_payment_percent = _percent("Medicare Option Partial QP, payment amount (%)")
    medicare_partial_qp_patient_percent = _percent("Medicare Option Partial QP, patient count (%)")
    all_payer_qp_payment_percent = _percent("All-Payer QP, payment amount (%)", optional=True)
    all_payer_qp_patient_percent = _percent("All-Payer QP, patient count (%)", optional=True)
    all_payer_partial_qp_payment_percent = _percent("All-Payer Partial QP, payment amount (%)", optional=True)
    all_payer_partial_qp_patient_percent = _percent("All-Payer Partial QP, patient count (%)", optional=True)
    all_payer_qp_medicare_minimum_payment_percent = _percent(
        "All-Payer QP, Medicare minimum, payment amount (%)", optional=True
    )
    all_payer_qp_medicare_minimum_patient_percent = _percent(
        "All-Payer QP, Medicare minimum, patient count (%)", optional=True
    )
    all_payer_partial_qp_medicare_minimum_payment_percent = _percent(
        "All-Payer Partial QP, Medicare minimum, payment amount (%)", optional=True
    )
    all_payer_partial_qp_medicare_minimum_patient_percent = _percent(
        "All-Payer Partial QP, Medicare minimum, patient count (%)", optional=True
    )

    qp_individual_determination = models.BooleanField(
        "Medicare Option also determined per clinician",
        default=False,
        help_text="42 CFR 414.1425(b): from 2026 a clinician is a QP individually or as part of the APM Entity group.",
    )

    incentive_percent = _percent("APM Incentive Payment (%)", "Empty when there is no lump sum.", optional=True)
    qp_conversion_factor_update_percent = _percent("QP conversion factor update (%)", optional=True)
    non_qp_conversion_factor_update_percent = _percent("non-QP conversion factor update (%)", optional=True)
    qp_conversion_factor = models.DecimalField(
        "qualifying APM conversion factor ($)",
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The payment year's conversion factor for QPs.",
    )
    non_qp_conversion_factor = models.DecimalField(
        "non-qualifying APM conversion factor ($)", max_digits=8, decimal_places=4, null=True, blank=True
    )

    provisional_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields whose value is not confirmed in the current regulation ([P] or [U] in the rule book).",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"Performance year {self.year}"

    @property
    def payment_year(self) -> int:
        return self.year + 2

    @property
    def snapshot_dates(self):
        return (self.snapshot_1_date, self.snapshot_2_date, self.snapshot_3_date)

    def rule_values(self) -> dict:
        """The row's figures in the shape ``year_parameters_from_mapping`` reads (windows not included)."""
        names = [f.name for f in self._meta.concrete_fields if f.name not in ("id", "notes")]
        values = {name: getattr(self, name) for name in names if not name.startswith("snapshot_")}
        values["snapshot_dates"] = list(self.snapshot_dates)
        return values

    def to_rule_parameters(self) -> YearParameters:
        values = self.rule_values()
        values["windows"] = [
            Window(w.process, w.payer_type, w.opens_at, w.closes_at, w.is_provisional)
            for w in self.windows.all()
            if not w.is_demonstration
        ]
        return year_parameters_from_mapping(values)

    def clean(self):
        try:
            year_parameters_from_mapping(self.rule_values())
        except RuleInputError as error:
            field = error.field
            if field.startswith("snapshot_dates["):
                field = f"snapshot_{int(field.removeprefix('snapshot_dates[').rstrip(']')) + 1}_date"
            known = {f.name for f in self._meta.concrete_fields}
            raise ValidationError({field if field in known else NON_FIELD_ERRORS: error.message}) from None


class SubmissionWindow(models.Model):
    """When one process takes requests for one payer type and performance year.

    A demonstration window (``is_demonstration``) exists only in demo data: it is kept open around
    today so anyone can try the forms, sits beside the year's real window and never feeds the rules.
    """

    performance_year = models.ForeignKey(PerformanceYear, on_delete=models.CASCADE, related_name="windows")
    process = models.CharField(max_length=30, choices=WindowProcess.choices)
    payer_type = models.CharField(
        max_length=30,
        choices=PayerType.choices,
        blank=True,
        help_text="Blank for the All-Payer QP window (every type).",
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="The submission deadline (US Eastern time).")
    is_provisional = models.BooleanField(
        "provisional", default=False, help_text="CMS has not published these dates yet; they follow the regulation."
    )
    is_demonstration = models.BooleanField("demonstration", default=False, editable=False)

    class Meta:
        ordering = ["performance_year__year", "process", "payer_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["performance_year", "process", "payer_type", "is_demonstration"],
                name="submission_window_unique_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="submission_window_closes_after_opens"
            ),
        ]

    def __str__(self):
        closes = date_text(self.closes_at, time=True, with_zone=True)
        demonstration = "demonstration window, " if self.is_demonstration else ""
        payer_type = f", {self.get_payer_type_display()}" if self.payer_type else ""
        return f"{self.performance_year.year} {self.get_process_display()}{payer_type} ({demonstration}closes {closes})"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def payer_type_label(self) -> str:
        """Whose arrangements the window is for: a payer type, or every payer (the All-Payer QP window)."""
        return self.get_payer_type_display() if self.payer_type else "all payers"


class SubmissionWindowChange(models.Model):
    """A program admin's addition of a window or change to its dates, with the reason they gave (append-only)."""

    window = models.ForeignKey(SubmissionWindow, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()
    opens_at_before = models.DateTimeField(null=True, blank=True)
    closes_at_before = models.DateTimeField(null=True, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.window} changed by {self.actor} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_addition(self) -> bool:
        return self.opens_at_before is None
