"""The facts of one payment arrangement, as the rules read them, and the reader that validates them.

The mapping has the shape of a submission's answers (``docs/rules.md``): ``year`` and
``payer_type`` at the top, then the sections ``arrangement``, ``cehrt``, ``quality`` and
``financial_risk``. Keys the rules do not read (names, descriptions, citations) are ignored. A
blank value means "not given": the rule reports it as a missing input instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import inputs
from .inputs import RuleInputError
from .parameters import PAYER_TYPES

__all__ = ["Arrangement", "RuleInputError", "arrangement_from_mapping"]

# The code lists the form offers and the rules accept: code -> the words the form shows, in order.
MEDICAL_HOME_ELEMENTS = {
    "chronic_preventive_care": "Planned coordination of chronic and preventive care",
    "access_continuity": "Patient access and continuity",
    "risk_stratified_care": "Risk-stratified care management",
    "medical_neighborhood": "Coordination of care across the medical neighborhood",
    "patient_engagement": "Patient and caregiver engagement",
    "shared_decision_making": "Shared decision-making",
    "payment_beyond_ffs": "Payment arrangements in addition to, or substituting for, fee-for-service",
}
MEASURE_BASES = frozenset(
    {"mips_list", "cbe_endorsed", "evidence_based", "developed_under_1848s", "mips_call_for_measures"}
)
RISK_TYPES = {
    "two_sided": "Two-sided shared savings and losses",
    "full_capitation": "Full capitation",
    "partial_capitation": "Partial capitation (with settlement or reconciliation)",
    "medicaid_medical_home": "Medicaid Medical Home Model",
    "aligned_medical_home": "Aligned Other Payer Medical Home Model",
    "other": "Other",
}
RISK_MECHANISMS = {
    "withhold": "Withholds payment",
    "rate_reduction": "Reduces payment rates",
    "direct_payment": "Requires the APM Entity to pay the payer",
    "forgo_guaranteed_payment": "The APM Entity loses all or part of an otherwise guaranteed payment",
}


@dataclass(frozen=True)
class Profile:
    """What kind of arrangement it is and how large its APM Entities are (the form's "arrangement" step)."""

    is_medical_home: bool | None = None
    primary_care_focus: bool | None = None
    empanelment: bool | None = None
    medical_home_elements: frozenset[str] | None = None
    aligned_with_multi_payer_model: bool | None = None
    eligible_clinician_count: int | None = None
    parent_organization_clinician_count: int | None = None


@dataclass(frozen=True)
class EntityCehrt:
    name: str
    participants: int
    participants_using_cehrt: int

    @property
    def percent(self) -> Decimal:
        return Decimal(self.participants_using_cehrt) * 100 / Decimal(self.participants)


@dataclass(frozen=True)
class HospitalCehrt:
    """A hospital that is an APM Entity, and whether it uses CEHRT (``None``: not said)."""

    name: str
    uses_cehrt: bool | None


@dataclass(frozen=True)
class CehrtFacts:
    requires_cehrt: bool | None = None
    hospitals_are_apm_entities: bool | None = None
    lowest_entity_cehrt_percent: Decimal | None = None
    entities: tuple[EntityCehrt, ...] = ()
    hospitals: tuple[HospitalCehrt, ...] = ()


@dataclass(frozen=True)
class Measure:
    title: str
    basis: str
    is_outcome: bool = False
    identifier: str = ""

    @property
    def label(self) -> str:
        return f"{self.identifier} {self.title}".strip() if self.identifier else self.title


@dataclass(frozen=True)
class QualityFacts:
    measures: tuple[Measure, ...] = ()
    no_outcome_measure_certified: bool | None = None
    determined_on_or_before_2020_01_01: bool | None = None


@dataclass(frozen=True)
class LossBand:
    """A marginal risk rate applying to losses from ``from_percent`` to ``to_percent`` of expected expenditures."""

    from_percent: Decimal
    to_percent: Decimal | None
    rate_percent: Decimal


@dataclass(frozen=True)
class FinancialRiskFacts:
    risk_type: str | None = None
    risk_mechanisms: frozenset[str] | None = None
    capitation_without_settlement: bool | None = None
    is_cms_medicare_advantage_capitation: bool | None = None
    expected_expenditures: Decimal | None = None
    expenditures_without_arrangement: Decimal | None = None
    risk_defined_in_revenue: bool | None = None
    total_revenue: Decimal | None = None
    maximum_loss_amount: Decimal | None = None
    marginal_risk_rate: Decimal | None = None
    minimum_loss_rate: Decimal | None = None
    marginal_risk_bands: tuple[LossBand, ...] = ()
    medical_home_average_revenue: Decimal | None = None


@dataclass(frozen=True)
class Arrangement:
    year: int
    payer_type: str
    name: str = ""
    profile: Profile = Profile()
    cehrt: CehrtFacts = CehrtFacts()
    quality: QualityFacts = QualityFacts()
    financial_risk: FinancialRiskFacts = FinancialRiskFacts()


def arrangement_from_mapping(data: Mapping, *, year: int | None = None) -> Arrangement:
    """Validate ``data`` into an ``Arrangement``; ``year`` overrides the mapping's own year."""
    if not isinstance(data, Mapping):
        raise RuleInputError("(top level)", "must be an object")
    if year is None:
        year = inputs.integer(data, "year", required=True)
    profile = inputs.section(data, "arrangement")
    return Arrangement(
        year=year,
        payer_type=inputs.choice(data, "payer_type", set(PAYER_TYPES), required=True),
        name=inputs.text(profile, "name", "arrangement."),
        profile=_profile(profile, "arrangement."),
        cehrt=_cehrt(inputs.section(data, "cehrt"), "cehrt."),
        quality=_quality(inputs.section(data, "quality"), "quality."),
        financial_risk=_financial_risk(inputs.section(data, "financial_risk"), "financial_risk."),
    )


def _string_set(data: Mapping, key: str, allowed: Mapping[str, str], prefix: str) -> frozenset[str] | None:
    values = inputs.items(data, key, prefix)
    if not values:
        return None
    unknown = sorted(str(v) for v in values if not isinstance(v, str) or v not in allowed)
    if unknown:
        raise RuleInputError(
            f"{prefix}{key}", f"unknown values {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    return frozenset(values)


def _profile(data: Mapping, prefix: str) -> Profile:
    return Profile(
        is_medical_home=inputs.boolean(data, "is_medical_home", prefix),
        primary_care_focus=inputs.boolean(data, "primary_care_focus", prefix),
        empanelment=inputs.boolean(data, "empanelment", prefix),
        medical_home_elements=_string_set(data, "medical_home_elements", MEDICAL_HOME_ELEMENTS, prefix),
        aligned_with_multi_payer_model=inputs.boolean(data, "aligned_with_multi_payer_model", prefix),
        eligible_clinician_count=inputs.integer(data, "eligible_clinician_count", prefix),
        parent_organization_clinician_count=inputs.integer(data, "parent_organization_clinician_count", prefix),
    )


def _cehrt(data: Mapping, prefix: str) -> CehrtFacts:
    entities = []
    for index, entity, where in inputs.objects(data, "apm_entities", prefix):
        participants = inputs.integer(entity, "participants", where, required=True)
        using = inputs.integer(entity, "participants_using_cehrt", where, required=True)
        if participants == 0:
            raise RuleInputError(f"{where}participants", "must be at least 1")
        if using > participants:
            raise RuleInputError(f"{where}participants_using_cehrt", f"must not exceed participants ({participants})")
        entities.append(
            EntityCehrt(inputs.text(entity, "name", where) or f"APM Entity {index + 1}", participants, using)
        )
    hospitals = []
    for index, hospital, where in inputs.objects(data, "hospitals", prefix):
        name = inputs.text(hospital, "name", where) or f"Hospital {index + 1}"
        hospitals.append(HospitalCehrt(name, inputs.boolean(hospital, "uses_cehrt", where)))
    return CehrtFacts(
        requires_cehrt=inputs.boolean(data, "requires_cehrt", prefix),
        hospitals_are_apm_entities=inputs.boolean(data, "hospitals_are_apm_entities", prefix),
        lowest_entity_cehrt_percent=inputs.percentage(data, "lowest_entity_cehrt_percent", prefix),
        entities=tuple(entities),
        hospitals=tuple(hospitals),
    )


def _quality(data: Mapping, prefix: str) -> QualityFacts:
    measures = []
    for index, measure, where in inputs.objects(data, "measures", prefix):
        identifier = inputs.text(measure, "measure_identifier", where)
        measures.append(
            Measure(
                title=inputs.text(measure, "title", where) or identifier or f"Measure {index + 1}",
                basis=inputs.choice(measure, "basis", set(MEASURE_BASES), where, required=True),
                is_outcome=bool(inputs.boolean(measure, "is_outcome", where)),
                identifier=identifier,
            )
        )
    return QualityFacts(
        measures=tuple(measures),
        no_outcome_measure_certified=inputs.boolean(data, "no_outcome_measure_certified", prefix),
        determined_on_or_before_2020_01_01=inputs.boolean(data, "determined_on_or_before_2020_01_01", prefix),
    )


def loss_bands(data: Mapping, prefix: str = "") -> tuple[LossBand, ...]:
    """``data["marginal_risk_bands"]`` as loss bands, in order and without overlaps (the form checks them too)."""
    bands = []
    for _, band, where in inputs.objects(data, "marginal_risk_bands", prefix):
        start = inputs.percentage(band, "from_percent", where, required=True)
        end = inputs.percentage(band, "to_percent", where)
        if end is not None and end <= start:
            raise RuleInputError(f"{where}to_percent", f"must be above from_percent ({start})")
        if bands and (bands[-1].to_percent is None or start < bands[-1].to_percent):
            raise RuleInputError(f"{where}from_percent", "bands must be in order and must not overlap")
        bands.append(LossBand(start, end, inputs.percentage(band, "rate_percent", where, required=True)))
    return tuple(bands)


def _financial_risk(data: Mapping, prefix: str) -> FinancialRiskFacts:
    def amount(key):
        return inputs.decimal(data, key, prefix)

    return FinancialRiskFacts(
        risk_type=inputs.choice(data, "risk_type", set(RISK_TYPES), prefix),
        risk_mechanisms=_string_set(data, "risk_mechanisms", RISK_MECHANISMS, prefix),
        capitation_without_settlement=inputs.boolean(data, "capitation_without_settlement", prefix),
        is_cms_medicare_advantage_capitation=inputs.boolean(data, "is_cms_medicare_advantage_capitation", prefix),
        expected_expenditures=amount("expected_expenditures"),
        expenditures_without_arrangement=amount("expenditures_without_arrangement"),
        risk_defined_in_revenue=inputs.boolean(data, "risk_defined_in_revenue", prefix),
        total_revenue=amount("total_revenue"),
        maximum_loss_amount=amount("maximum_loss_amount"),
        marginal_risk_rate=inputs.percentage(data, "marginal_risk_rate", prefix),
        minimum_loss_rate=inputs.percentage(data, "minimum_loss_rate", prefix),
        marginal_risk_bands=loss_bands(data, prefix),
        medical_home_average_revenue=amount("medical_home_average_revenue"),
    )
