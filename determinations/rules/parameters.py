"""The figures and rule variants of one performance year, as a value the rule functions receive.

The values come from ``determinations/reference_data/performance_years.json`` or from the
``PerformanceYear`` table the program admin edits; ``year_parameters_from_mapping`` validates
either. ``provisional_fields`` names the figures ``domain.md`` marks [P] or [U]: any result that
used one of them is flagged provisional.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum

from . import inputs
from .inputs import RuleInputError

# The values of determinations.choices.Process and PayerType (rules/ does not import Django).
PAYER_INITIATED = "payer_initiated"
CLINICIAN_INITIATED = "clinician_initiated"
# The All-Payer QP data submission (42 CFR 414.1440(e)): one window a year, for every payer type.
ALL_PAYER_QP = "all_payer_qp"
PROCESSES = (PAYER_INITIATED, CLINICIAN_INITIATED, ALL_PAYER_QP)
MEDICAID = "medicaid"
MEDICARE_HEALTH_PLAN = "medicare_health_plan"
MULTI_PAYER_MODEL = "multi_payer_model"
OTHER_PAYER = "other_payer"
PAYER_TYPES = (MEDICAID, MEDICARE_HEALTH_PLAN, MULTI_PAYER_MODEL, OTHER_PAYER)


class QualityVariant(StrEnum):
    LEGACY_2019 = "2019_legacy"
    ADDITIONAL_OUTCOME_MEASURE = "additional_outcome_measure"
    SINGLE_MEASURE_MAY_SATISFY_BOTH = "single_measure_may_satisfy_both"


class MarginalRiskVariant(StrEnum):
    LOWEST = "lowest"
    AVERAGE = "average"


class MedicalHomeSizeVariant(StrEnum):
    PARENT_ORG_50_OR_MORE = "parent_org_50_or_more"
    APM_ENTITY_MORE_THAN_50 = "apm_entity_more_than_50"


VARIANT_LABELS = {
    QualityVariant.LEGACY_2019: "2019: an outcome measure if one applies (42 CFR 414.1420(c)(3), 2019 text)",
    QualityVariant.ADDITIONAL_OUTCOME_MEASURE: "2020-2022: an additional measure that is an outcome measure",
    QualityVariant.SINGLE_MEASURE_MAY_SATISFY_BOTH: "2023 on: one outcome measure may satisfy both requirements",
    MarginalRiskVariant.LOWEST: "Lowest marginal risk rate (2019)",
    MarginalRiskVariant.AVERAGE: "Average marginal risk rate (2020 on)",
    MedicalHomeSizeVariant.PARENT_ORG_50_OR_MORE: "Parent organization with the limit or more clinicians (2019-2022)",
    MedicalHomeSizeVariant.APM_ENTITY_MORE_THAN_50: "APM Entity with more than the limit of clinicians (2023 on)",
}


@dataclass(frozen=True)
class Window:
    """When one process accepts requests for one payer type: open from ``opens_at`` until ``closes_at``.

    ``provisional`` marks dates CMS has not published yet (carried from the regulation and past practice).
    """

    process: str
    payer_type: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    # Whether the dates are published says nothing about which dates they are, so it is left out of ==.
    provisional: bool = field(default=False, compare=False)

    def is_open(self, now: datetime.datetime) -> bool:
        return self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class YearParameters:
    """Every figure and rule variant for one QP Performance Period. Percentages are in percent."""

    year: int
    qp_period_start: datetime.date
    qp_period_end: datetime.date
    snapshot_dates: tuple[datetime.date, ...]
    # Criterion A: CEHRT, 42 CFR 414.1420(b)
    cehrt_participant_percent: Decimal
    cehrt_definition: str
    # Criterion B: quality measures, 414.1420(c)
    quality_variant: QualityVariant
    quality_legacy_for_prior_determinations: bool
    # Criterion C: financial risk, 414.1420(d)
    nominal_revenue_percent: Decimal | None
    nominal_expenditure_percent: Decimal
    total_risk_minimum_percent_of_expenditures: Decimal | None
    marginal_risk_rate_minimum_percent: Decimal
    marginal_risk_variant: MarginalRiskVariant
    minimum_loss_rate_allowance_percent: Decimal
    medicaid_medical_home_available: bool
    aligned_medical_home_available: bool
    medical_home_nominal_percent: Decimal | None
    medical_home_size_limit_variant: MedicalHomeSizeVariant
    medical_home_size_limit: int
    medical_home_min_elements: int
    # QP thresholds, 414.1430
    all_payer_option_available: bool
    medicare_qp_payment_percent: Decimal
    medicare_qp_patient_percent: Decimal
    medicare_partial_qp_payment_percent: Decimal
    medicare_partial_qp_patient_percent: Decimal
    all_payer_qp_payment_percent: Decimal | None
    all_payer_qp_patient_percent: Decimal | None
    all_payer_partial_qp_payment_percent: Decimal | None
    all_payer_partial_qp_patient_percent: Decimal | None
    all_payer_qp_medicare_minimum_payment_percent: Decimal | None
    all_payer_qp_medicare_minimum_patient_percent: Decimal | None
    all_payer_partial_qp_medicare_minimum_payment_percent: Decimal | None
    all_payer_partial_qp_medicare_minimum_patient_percent: Decimal | None
    # Level of the Medicare Option, 414.1425(b): APM Entity group only through 2025; from 2026 the
    # clinician individually or as part of the group, whichever scores higher.
    qp_individual_determination: bool
    # What a QP receives in the payment year (year + 2), 414.1450 and SSA 1848(d)(20)
    incentive_percent: Decimal | None
    qp_conversion_factor_update_percent: Decimal | None
    non_qp_conversion_factor_update_percent: Decimal | None
    qp_conversion_factor: Decimal | None
    non_qp_conversion_factor: Decimal | None
    # Submission windows, 414.1445
    windows: tuple[Window, ...] = ()
    provisional_fields: frozenset[str] = frozenset()

    @property
    def payment_year(self) -> int:
        return self.year + 2

    def is_provisional(self, *names: str) -> bool:
        return any(name in self.provisional_fields for name in names)

    def window(self, process: str, payer_type: str) -> Window | None:
        return next((w for w in self.windows if w.process == process and w.payer_type == payer_type), None)


PERCENT_FIELDS = (
    "cehrt_participant_percent",
    "nominal_expenditure_percent",
    "marginal_risk_rate_minimum_percent",
    "minimum_loss_rate_allowance_percent",
    "medicare_qp_payment_percent",
    "medicare_qp_patient_percent",
    "medicare_partial_qp_payment_percent",
    "medicare_partial_qp_patient_percent",
)
OPTIONAL_PERCENT_FIELDS = (
    "nominal_revenue_percent",
    "total_risk_minimum_percent_of_expenditures",
    "medical_home_nominal_percent",
    "all_payer_qp_payment_percent",
    "all_payer_qp_patient_percent",
    "all_payer_partial_qp_payment_percent",
    "all_payer_partial_qp_patient_percent",
    "all_payer_qp_medicare_minimum_payment_percent",
    "all_payer_qp_medicare_minimum_patient_percent",
    "all_payer_partial_qp_medicare_minimum_payment_percent",
    "all_payer_partial_qp_medicare_minimum_patient_percent",
    "incentive_percent",
    "qp_conversion_factor_update_percent",
    "non_qp_conversion_factor_update_percent",
)
AMOUNT_FIELDS = ("qp_conversion_factor", "non_qp_conversion_factor")
BOOLEAN_FIELDS = (
    "quality_legacy_for_prior_determinations",
    "medicaid_medical_home_available",
    "aligned_medical_home_available",
    "all_payer_option_available",
    "qp_individual_determination",
)
INTEGER_FIELDS = ("medical_home_size_limit", "medical_home_min_elements")
VARIANT_FIELDS = {
    "quality_variant": QualityVariant,
    "marginal_risk_variant": MarginalRiskVariant,
    "medical_home_size_limit_variant": MedicalHomeSizeVariant,
}
ALL_PAYER_FIELDS = tuple(name for name in OPTIONAL_PERCENT_FIELDS if name.startswith("all_payer_"))
PARAMETER_FIELDS = tuple(f.name for f in fields(YearParameters) if f.name not in ("windows", "provisional_fields"))


def year_parameters_from_mapping(data: Mapping) -> YearParameters:
    """Validate a year's figures (a reference-data record or a model's values) into ``YearParameters``."""
    values: dict = {"year": inputs.integer(data, "year", required=True)}
    values["qp_period_start"] = inputs.date(data, "qp_period_start", required=True)
    values["qp_period_end"] = inputs.date(data, "qp_period_end", required=True)
    snapshots = inputs.items(data, "snapshot_dates")
    if not snapshots:
        raise RuleInputError("snapshot_dates", "is required")
    values["snapshot_dates"] = tuple(
        inputs.date({f"snapshot_dates[{i}]": day}, f"snapshot_dates[{i}]", required=True)
        for i, day in enumerate(snapshots)
    )
    if not values["qp_period_start"] <= values["qp_period_end"]:
        raise RuleInputError("qp_period_end", "must be on or after qp_period_start")
    for index, day in enumerate(values["snapshot_dates"]):
        if not values["qp_period_start"] <= day <= values["qp_period_end"]:
            raise RuleInputError(f"snapshot_dates[{index}]", "must fall inside the QP Performance Period")
    values["cehrt_definition"] = inputs.text(data, "cehrt_definition")
    for name in PERCENT_FIELDS:
        values[name] = inputs.percentage(data, name, required=True)
    for name in OPTIONAL_PERCENT_FIELDS:
        values[name] = inputs.percentage(data, name)
    for name in AMOUNT_FIELDS:
        values[name] = inputs.decimal(data, name)
    for name in BOOLEAN_FIELDS:
        values[name] = inputs.boolean(data, name, required=True)
    for name in INTEGER_FIELDS:
        values[name] = inputs.integer(data, name, required=True)
    for name, variant in VARIANT_FIELDS.items():
        values[name] = variant(inputs.choice(data, name, {v.value for v in variant}, required=True))
    if values["all_payer_option_available"]:
        for name in ALL_PAYER_FIELDS:
            if values[name] is None:
                raise RuleInputError(name, "is required when the All-Payer Combination Option is available")
    windows = [_window(w, f"windows[{i}].") for i, w in enumerate(inputs.items(data, "windows"))]
    windows.sort(key=lambda w: (PROCESSES.index(w.process), ("", *PAYER_TYPES).index(w.payer_type)))
    values["windows"] = tuple(windows)
    provisional = inputs.items(data, "provisional_fields")
    unknown = sorted(set(provisional) - set(PARAMETER_FIELDS) - {"windows"})
    if unknown:
        raise RuleInputError("provisional_fields", f"names unknown fields: {', '.join(map(str, unknown))}")
    values["provisional_fields"] = frozenset(provisional)
    return YearParameters(**values)


def _window(data, prefix: str) -> Window:
    if isinstance(data, Window):
        return data
    if not isinstance(data, Mapping):
        raise RuleInputError(prefix.rstrip("."), "must be an object")
    process = inputs.choice(data, "process", set(PROCESSES), prefix, required=True)
    # The All-Payer QP window is for every payer type at once: it names none.
    all_payer = process == ALL_PAYER_QP
    window = Window(
        process=process,
        payer_type=inputs.choice(data, "payer_type", set(PAYER_TYPES), prefix, required=not all_payer) or "",
        opens_at=inputs.timestamp(data, "opens_at", prefix, required=True),
        closes_at=inputs.timestamp(data, "closes_at", prefix, required=True),
        provisional=bool(inputs.boolean(data, "provisional", prefix)),
    )
    if window.closes_at <= window.opens_at:
        raise RuleInputError(f"{prefix}closes_at", "must be after opens_at")
    return window


def year_parameters_to_mapping(params: YearParameters) -> dict:
    """The JSON-ready form of ``params`` (decimals as strings), the inverse of the reader above."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if isinstance(value, StrEnum):
            return value.value
        return value

    data = {name: plain(getattr(params, name)) for name in PARAMETER_FIELDS}
    data["snapshot_dates"] = [d.isoformat() for d in params.snapshot_dates]
    data["windows"] = [
        {
            "process": w.process,
            "payer_type": w.payer_type,
            "opens_at": w.opens_at.isoformat(),
            "closes_at": w.closes_at.isoformat(),
            **({"provisional": True} if w.provisional else {}),
        }
        for w in params.windows
    ]
    data["provisional_fields"] = sorted(params.provisional_fields)
    return data
