"""QP determinations for one snapshot of participation data, at the level each year's rules require.

The reference for the batch (``determinations/services/qp_batch.py``), which does the same
arithmetic in SQL. One ``Participation`` is a clinician (NPI) billing through a TIN in an APM
Entity, with Medicare Part B figures (attributed over attribution-eligible beneficiaries) and,
when the All-Payer Combination Option was requested, the other payers' figures after the
exclusions of 42 CFR 414.1440(a).

Levels (domain.md 4.5):
* Medicare Option: the APM Entity group's scores (the sum over its participants who are not
  Affiliated Practitioners); where the year allows individual determinations (from 2026), the better
  of the group's and the clinician's individual score, method by method; Affiliated Practitioners on
  their own record. The clinician's individual figures are the sums over all of their records (every
  TIN and APM Entity). In earlier years a clinician in two or more APM Entity groups none of which
  is a QP as a group is also assessed individually (the multi-entity fallback, 42 CFR 414.1425(c)),
  so each of their records takes the better of the group's and the individual score.
* All-Payer Combination Option at the level requested: the APM Entity (group Medicare plus the
  group's other-payer figures), the TIN or the clinician. At TIN or clinician level the Medicare
  score compared with the minimums is the higher of the group's and the TIN's or clinician's own,
  and when the group's is higher it is weighted into the All-Payer score (42 CFR 414.1440(d)(3)):
  (MTS* x own Medicare denominator + other-payer numerator) / (own Medicare denominator +
  other-payer denominator). That formula is [U] in the rule book, so results using it are provisional.

Scores are kept as exact fractions (``Portion``) until they are compared, so the SQL, which
compares by cross-multiplying, and this module agree exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .parameters import YearParameters
from .qp_thresholds import METHODS, Portion, QPResult, QPStatus, ThresholdScores, medicare_option_status, qp_status
from .results import Reason

WEIGHTED = "42 CFR 414.1440(d)(3)"
FALLBACK = "42 CFR 414.1425(c)"
ZERO = Portion(Decimal(0), Decimal(0))


class Level(StrEnum):
    ENTITY = "entity"
    TIN = "tin"
    CLINICIAN = "clinician"

    @property
    def label(self) -> str:
        return {"entity": "APM Entity", "tin": "TIN", "clinician": "eligible clinician"}[self.value]


class Basis(StrEnum):
    """Why the status is what it is, in a word the batch stores and the results page explains."""

    MEDICARE_OPTION = "medicare_option"
    ALL_PAYER = "all_payer"
    ALL_PAYER_NOT_AVAILABLE = "all_payer_not_available"
    NO_ALL_PAYER_DATA = "no_all_payer_data"
    BELOW_MEDICARE_MINIMUM = "below_medicare_minimum"
    BELOW_ALL_PAYER_THRESHOLDS = "below_all_payer_thresholds"


@dataclass(frozen=True)
class Participation:
    npi: str
    tin: str
    apm_entity_id: str
    affiliated_practitioner: bool
    all_payer_level: Level
    medicare_payment: Portion
    medicare_patient: Portion
    other_payment: Portion | None = None
    other_patient: Portion | None = None

    @property
    def has_all_payer_data(self) -> bool:
        return self.other_payment is not None or self.other_patient is not None

    def medicare(self, method: str) -> Portion:
        return getattr(self, f"medicare_{method}")

    def other(self, method: str) -> Portion:
        return getattr(self, f"other_{method}") or ZERO


@dataclass(frozen=True)
class GroupTotals:
    """The sums over the group's participants who are not Affiliated Practitioners."""

    medicare_payment: Portion = ZERO
    medicare_patient: Portion = ZERO
    other_payment: Portion = ZERO
    other_patient: Portion = ZERO
    has_all_payer_data: bool = False

    def medicare(self, method: str) -> Portion:
        return getattr(self, f"medicare_{method}")

    def other(self, method: str) -> Portion:
        return getattr(self, f"other_{method}")


@dataclass(frozen=True)
class ParticipationResult:
    participation: Participation
    level: Level
    result: QPResult
    all_payer_scores: ThresholdScores
    weighted: bool
    basis: Basis
    medicare_denominators: dict[str, Decimal]
    all_payer_denominators: dict[str, Decimal]
    individual_fallback: bool = False

    @property
    def status(self) -> QPStatus:
        return self.result.status

    @property
    def provisional(self) -> bool:
        return self.result.provisional or self.weighted


def _add(a: Portion, b: Portion) -> Portion:
    return Portion(a.numerator + b.numerator, a.denominator + b.denominator)


def _exact(portion: Portion) -> tuple[Decimal, Decimal]:
    """The fraction with a zero denominator read as 0/1 (a score of zero, as ``Portion.score`` has it)."""
    return (portion.numerator, portion.denominator) if portion.denominator else (Decimal(0), Decimal(1))


def larger(first: Portion, second: Portion) -> Portion:
    """The portion with the higher score; ``first`` on a tie."""
    (fn, fd), (sn, sd) = _exact(first), _exact(second)
    return first if fn * sd >= sn * fd else second


def weighted_all_payer(medicare_star: Portion, own_medicare: Portion, other: Portion) -> Portion:
    """(MTS* x own Medicare denominator + other numerator) / (own Medicare denominator + other denominator)."""
    star_numerator, star_denominator = _exact(medicare_star)
    return Portion(
        star_numerator * own_medicare.denominator + other.numerator * star_denominator,
        star_denominator * (own_medicare.denominator + other.denominator),
    )


def medicaid_included(county_fips: str, specialty_eligible: bool, medicaid_counties) -> bool:
    """Whether a clinician's Medicaid payments and patients count (42 CFR 414.1440(a)(2)): a Medicaid
    Other Payer Advanced APM is available in the county where they see the most patients, and their
    specialty may take part in it. Otherwise Medicaid is an excluded payer (414.1440(a)(1)(iii))."""
    return bool(county_fips) and county_fips in medicaid_counties and specialty_eligible


def other_payers_after_exclusions(
    other: Portion | None, medicaid: Portion | None, *, medicaid_included: bool
) -> Portion | None:
    """The other payers' figures with Medicaid added where it counts; ``None`` when nothing that counts
    was submitted (excluded Medicaid alone is no All-Payer data)."""
    parts = [p for p in (other, medicaid if medicaid_included else None) if p is not None]
    if not parts:
        return None
    return Portion(sum(p.numerator for p in parts), sum(p.denominator for p in parts))


def group_add(totals: GroupTotals, member: Participation) -> GroupTotals:
    """``totals`` with one more participant (who is not an Affiliated Practitioner) added."""
    sums = {f"{part}_{m}": _add(getattr(totals, part)(m), getattr(member, part)(m)) for part in ("medicare", "other")
            for m in METHODS}  # fmt: skip
    return GroupTotals(**sums, has_all_payer_data=totals.has_all_payer_data or member.has_all_payer_data)


def _scores(portions: dict[str, Portion]) -> dict[str, Decimal]:
    return {method: portions[method].score for method in METHODS}


def individual_figures(participations: Iterable[Participation]) -> dict[str, Portion]:
    """A clinician's own Medicare figures over all of their records (every TIN and APM Entity)."""
    totals = dict.fromkeys(METHODS, ZERO)
    for participation in participations:
        totals = {m: _add(totals[m], participation.medicare(m)) for m in METHODS}
    return totals


def group_is_qp(params: YearParameters, entity: GroupTotals) -> bool:
    """Whether the APM Entity group reaches the Medicare Option's QP threshold by either method."""
    scores = ThresholdScores(**{f"medicare_{m}": entity.medicare(m).score for m in METHODS})
    return medicare_option_status(params, scores)[0] is QPStatus.QP


def needs_individual_fallback(
    params: YearParameters, participations: Iterable[Participation], entities: dict[str, GroupTotals]
) -> bool:
    """A clinician in two or more APM Entity groups, none of them a QP as a group, in a year that
    otherwise determines at group level (42 CFR 414.1425(c); domain.md 4.5)."""
    if params.qp_individual_determination:
        return False
    groups = {p.apm_entity_id for p in participations if not p.affiliated_practitioner}
    return len(groups) > 1 and not any(group_is_qp(params, entities[g]) for g in groups)


def clinician_results(
    params: YearParameters,
    participations: list[Participation],
    entities: dict[str, GroupTotals],
    tins: dict[tuple[str, str], GroupTotals],
) -> list[ParticipationResult]:
    """Every record of one clinician, each with its APM Entity's and TIN's totals and the clinician's
    individual figures; ``best_of`` picks the one that counts."""
    individual = individual_figures(participations)
    fallback = needs_individual_fallback(params, participations, entities)
    return [
        determine_participation(
            params,
            p,
            entities[p.apm_entity_id],
            tins.get((p.apm_entity_id, p.tin), GroupTotals()),
            individual=individual,
            fallback=fallback,
        )  # fmt: skip
        for p in participations
    ]


def determine_participation(
    params: YearParameters,
    participation: Participation,
    entity: GroupTotals,
    tin: GroupTotals,
    *,
    individual: dict[str, Portion] | None = None,
    fallback: bool = False,
) -> ParticipationResult:
    """The status of one participation record given its APM Entity's and its TIN's totals, the
    clinician's individual figures (their own record's when not given) and whether the multi-entity
    fallback applies to them."""
    own = {m: participation.medicare(m) for m in METHODS}
    individual = individual or own
    fallback = fallback and not participation.affiliated_practitioner
    if participation.affiliated_practitioner:
        medicare = own
    elif params.qp_individual_determination or fallback:
        medicare = {m: larger(entity.medicare(m), individual[m]) for m in METHODS}
    else:
        medicare = {m: entity.medicare(m) for m in METHODS}
    level = Level.CLINICIAN if participation.affiliated_practitioner else participation.all_payer_level
    weighted = False
    if level is Level.ENTITY:
        gate = medicare
        all_payer = {m: _add(entity.medicare(m), entity.other(m)) for m in METHODS}
        natural = all_payer
        has_data = entity.has_all_payer_data
    else:
        group = tin if level is Level.TIN else participation
        group_medicare = {m: group.medicare(m) for m in METHODS}
        if participation.affiliated_practitioner:
            gate = group_medicare
        else:
            gate = {m: larger(group_medicare[m], entity.medicare(m)) for m in METHODS}
            weighted = any(gate[m] is not group_medicare[m] for m in METHODS)
        all_payer = {m: weighted_all_payer(gate[m], group_medicare[m], group.other(m)) for m in METHODS}
        natural = {m: _add(group_medicare[m], group.other(m)) for m in METHODS}
        has_data = group.has_all_payer_data
    medicare_scores, gate_scores = _scores(medicare), _scores(gate)
    all_payer_scores = ThresholdScores(
        medicare_payment=gate_scores["payment"],
        medicare_patient=gate_scores["patient"],
        all_payer_payment=all_payer["payment"].score if has_data else None,
        all_payer_patient=all_payer["patient"].score if has_data else None,
    )
    scores = ThresholdScores(medicare_payment=medicare_scores["payment"], medicare_patient=medicare_scores["patient"])
    result = qp_status(params, scores, all_payer_scores)
    if fallback:
        note = Reason(
            "assessed individually as well as with each APM Entity group: the clinician takes part in several "
            f"APM Entities and none of them is a QP as a group ({FALLBACK})",
            FALLBACK,
        )
        result = QPResult(**{**result.__dict__, "reasons": (*result.reasons, note)})
    if weighted and result.all_payer_status is not None:
        note = Reason(
            f"the APM Entity group's higher Medicare Threshold Score is weighted into the All-Payer score at "
            f"{level.label} level ({WEIGHTED}); the formula is provisional until CMS's method is confirmed",
            WEIGHTED,
        )
        result = QPResult(**{**result.__dict__, "reasons": (*result.reasons, note)})
    else:
        weighted = False
    return ParticipationResult(
        participation=participation,
        level=level,
        result=result,
        all_payer_scores=all_payer_scores,
        weighted=weighted,
        basis=basis_of(params, result, has_data),
        medicare_denominators={m: medicare[m].denominator for m in METHODS},
        all_payer_denominators={m: natural[m].denominator for m in METHODS},
        individual_fallback=fallback,
    )


def basis_of(params: YearParameters, result: QPResult, has_all_payer_data: bool) -> Basis:
    if result.status is not QPStatus.NONE:
        return Basis.MEDICARE_OPTION if result.status is result.medicare_option_status else Basis.ALL_PAYER
    if not params.all_payer_option_available:
        return Basis.ALL_PAYER_NOT_AVAILABLE
    if result.all_payer_status is None:
        return Basis.BELOW_MEDICARE_MINIMUM
    if not has_all_payer_data:
        return Basis.NO_ALL_PAYER_DATA
    return Basis.BELOW_ALL_PAYER_THRESHOLDS


def best_of(results: Iterable[ParticipationResult]) -> ParticipationResult:
    """A clinician's result when they take part through several TINs or APM Entities: the best status;
    on a tie, the first APM Entity and TIN in order."""
    ordered = sorted(results, key=lambda r: (r.participation.apm_entity_id, r.participation.tin))
    return max(ordered, key=lambda r: r.status.rank)


def best_status(statuses: Iterable[QPStatus]) -> QPStatus:
    """The best status over the year's snapshots: a QP at an earlier snapshot stays one (domain.md 4.4 [U])."""
    return max(statuses, key=lambda s: s.rank, default=QPStatus.NONE)
