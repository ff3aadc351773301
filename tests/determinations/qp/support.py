"""Helpers for the QP tests: the reference years in the database and participation records made in bulk."""

import random
from decimal import Decimal

from accounts.models import OrganizationKind
from determinations.models import (
    AllPayerQPArrangement,
    AllPayerQPFigures,
    AllPayerQPSubmission,
    AllPayerQPTotals,
    Determination,
    ParticipationRecord,
    QPDetermination,
    SubmissionWindow,
)
from determinations.services.qp_batch import qp_batch_run, qp_run_create
from tests.factories import organization_member

COMPARED = [
    "npi", "tin", "apm_entity_id", "affiliated_practitioner", "participations", "level", "status",
    "medicare_option_status", "all_payer_status", "best_status", "basis", "medicare_payment_score",
    "medicare_patient_score", "all_payer_medicare_payment_score", "all_payer_medicare_patient_score",
    "all_payer_payment_score", "all_payer_patient_score", "medicare_payment_denominator",
    "medicare_patient_denominator", "all_payer_payment_denominator", "all_payer_patient_denominator",
    "weighted", "individual_fallback", "provisional",
]  # fmt: skip


def record(performance_year, snapshot=1, *, npi="1234567893", tin="123456789", entity="A1", **figures):
    """A participation record; figures default to a clinician with no other-payer data."""
    values = {
        "medicare_payment_numerator": Decimal(0),
        "medicare_payment_denominator": Decimal(0),
        "medicare_patient_numerator": 0,
        "medicare_patient_denominator": 0,
    } | figures
    return ParticipationRecord(performance_year=performance_year, snapshot=snapshot, npi=npi, tin=tin,
                               apm_entity_id=entity, **values)  # fmt: skip


def _fraction(rng: random.Random, thresholds: list[int]) -> tuple[int, int]:
    shape = rng.random()
    if shape < 0.08:
        return 0, 0
    denominator = rng.choice([100, 200, 1000, rng.randint(1, 5_000_000)])
    if shape < 0.4:  # on a threshold, or one unit either side of it
        numerator = denominator * rng.choice(thresholds) // 100 + rng.choice([-1, 0, 0, 1])
        return max(0, min(numerator, denominator)), denominator
    return rng.randint(0, denominator), denominator


def random_records(performance_year, count: int, seed: int, snapshot: int = 1) -> list[ParticipationRecord]:
    rng = random.Random(seed)
    thresholds = [10, 20, 25, 35, 40, 50, 75]
    entities = [f"E{n}" for n in range(max(1, count // 40))]
    records, seen = [], set()
    while len(records) < count:
        npi = f"{rng.randint(0, count // 2 + 10):010d}"
        entity, tin = rng.choice(entities), f"{rng.randint(0, 30):09d}"
        if (npi, tin, entity) in seen:
            continue
        seen.add((npi, tin, entity))
        pay, pat = _fraction(rng, thresholds), _fraction(rng, thresholds)
        figures = {
            "medicare_payment_numerator": Decimal(pay[0]),
            "medicare_payment_denominator": Decimal(pay[1]),
            "medicare_patient_numerator": pat[0],
            "medicare_patient_denominator": pat[1],
        }
        if rng.random() < 0.6:
            other_pay, other_pat = _fraction(rng, thresholds), _fraction(rng, thresholds)
            figures |= {
                "other_payment_numerator": Decimal(other_pay[0]),
                "other_payment_denominator": Decimal(other_pay[1]),
                "other_patient_numerator": other_pat[0],
                "other_patient_denominator": other_pat[1],
            }
        if rng.random() < 0.3:  # Medicaid kept apart, counted only in the approved arrangement's counties
            medicaid_pay, medicaid_pat = _fraction(rng, thresholds), _fraction(rng, thresholds)
            figures |= {
                "county_fips": rng.choice(["24031", "24033", "24005", ""]),
                "medicaid_specialty_eligible": rng.random() < 0.8,
                "medicaid_payment_numerator": Decimal(medicaid_pay[0]),
                "medicaid_payment_denominator": Decimal(medicaid_pay[1]),
                "medicaid_patient_numerator": medicaid_pat[0],
                "medicaid_patient_denominator": medicaid_pat[1],
            }
        level = rng.choice(["entity", "entity", "tin", "clinician"])
        affiliated = rng.random() < 0.05
        records.append(record(performance_year, snapshot, npi=npi, tin=tin, entity=entity, all_payer_level=level,
                              affiliated_practitioner=affiliated, **figures))  # fmt: skip
    ParticipationRecord.objects.bulk_create(records, batch_size=2000)
    return records


def run_batch(performance_year, snapshot=1, *, set_based=None):
    run = qp_run_create(performance_year=performance_year, snapshot=snapshot)
    return qp_batch_run(run_id=run.pk, set_based=set_based)


def results(run) -> dict[str, dict]:
    return {row["npi"]: row for row in QPDetermination.objects.filter(run=run).values(*COMPARED)}


NO_OTHER_FIGURES = {f"{part}_{m}_{end}": None for part in ("other", "medicaid") for m in ("payment", "patient")
                    for end in ("numerator", "denominator")}  # fmt: skip


def random_submissions(performance_year, determination, seed: int, *, entities: int = 12, tins: int = 12,
                       clinicians: int = 150) -> int:  # fmt: skip
    """Submitted All-Payer QP submissions for the random records (``random_records``), written directly.

    The records of the first ``entities`` APM Entities, and of ``tins`` TIN groups elsewhere, lose their
    uploaded other-payer figures, so the submissions for them apply; ``clinicians`` clinician-level
    submissions go to random NPIs (some of whose records carry figures, which then win). Each has one
    to three arrangements (some Medicaid) with figures for the snapshot, some only for another one, and
    the totals of each period, some with payers outside any arrangement.
    Returns the number of APM Entities whose records carry no figures of their own.
    """
    rng = random.Random(seed)
    records = ParticipationRecord.objects.filter(performance_year=performance_year, snapshot=1)
    bare = [f"E{n}" for n in range(entities)]
    records.filter(apm_entity_id__in=bare).update(**NO_OTHER_FIGURES)
    groups = sorted(set(records.exclude(apm_entity_id__in=bare).values_list("apm_entity_id", "tin")))
    tin_groups = rng.sample(groups, min(tins, len(groups)))
    for entity, tin in tin_groups:
        records.filter(apm_entity_id=entity, tin=tin).update(**NO_OTHER_FIGURES)
    npis = rng.sample(sorted(set(records.values_list("npi", flat=True))), clinicians)
    subjects = ([("entity", e, "", "") for e in bare] + [("tin", e, t, "") for e, t in tin_groups]
                + [("clinician", "", "", npi) for npi in npis])  # fmt: skip
    member = organization_member(OrganizationKind.APM_ENTITY, name="Random Entities")
    organization = member.memberships.get().organization
    window = SubmissionWindow.objects.get(performance_year=performance_year, process="all_payer_qp",
                                          is_demonstration=False)  # fmt: skip
    thresholds = [10, 20, 25, 35, 40, 50, 75]
    # Three arrangements to name (copies of the one given, superseded so they stay off every list).
    columns = [f.attname for f in Determination._meta.concrete_fields if f.name != "id"]
    fields = {name: getattr(determination, name) for name in columns}
    copies = [Determination.objects.create(**fields | {"superseded_at": window.opens_at}) for _ in range(2)]
    determinations = [determination, *copies]
    for n, (level, entity, tin, npi) in enumerate(subjects):
        submission = AllPayerQPSubmission.objects.create(
            organization=organization, performance_year=performance_year, window=window, created_by=member,
            status="submitted", submitted_at=window.opens_at, tracking_number=f"R-{performance_year.year}-{n:06d}",
            level=level, apm_entity_id=entity, tin=tin, npi=npi,
        )  # fmt: skip
        totals = {}  # per snapshot: the denominators, each at least its arrangements' sum
        for named in rng.sample(determinations, rng.randint(1, 3)):
            arrangement = AllPayerQPArrangement.objects.create(
                submission=submission, determination=named, name="Random", payer_name="Random",
                medicaid=rng.random() < 0.3,
            )  # fmt: skip
            snapshot, part = rng.choice([1, 1, 1, 2]), "medicaid" if arrangement.medicaid else "other"
            period = totals.setdefault(snapshot, {})
            pay, pat = _fraction(rng, thresholds), _fraction(rng, thresholds)
            values = {"payment_numerator": Decimal(pay[0])}
            period[f"{part}_payments"] = period.get(f"{part}_payments", 0) + Decimal(pay[1])
            if rng.random() < 0.7:
                values["patient_numerator"] = pat[0]
                period[f"{part}_patients"] = period.get(f"{part}_patients", 0) + pat[1]
            AllPayerQPFigures.objects.create(arrangement=arrangement, snapshot=snapshot, **values)
        if rng.random() < 0.1:  # totals of a period with nothing through an arrangement: a score of 0
            totals.setdefault(rng.choice([1, 3]), {})["other_payments"] = Decimal(rng.randint(1, 10**6))
        for snapshot, period in totals.items():
            if rng.random() < 0.5:  # payers with no Other Payer Advanced APM: only in the totals
                period = {name: value + rng.randint(0, 10**5) for name, value in period.items()}
            AllPayerQPTotals.objects.create(submission=submission, snapshot=snapshot, **period)
    return len(bare)
