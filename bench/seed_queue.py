"""Fill the benchmark database (PostgreSQL ``qpp_bench``, or ``qpp_bench_*``) with 50,000 submitted requests.

Run it through ``bench/run_queue_bench.py`` (which calls ``seed``), or alone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qpp_bench \\
        .venv/bin/python bench/seed_queue.py --count 50000

The data looks like nine seasons of the program: 1,500 organizations, 20 reviewers, requests for
performance years 2019-2027 with the older ones decided and the current season's mostly open,
each with a ~2 KB answers document (which the queue must not load) and a decision event for the
decided ones (which the workload page counts). Rows go in with ``bulk_create`` in batches.
"""

import os
import random
import sys
from datetime import timedelta
from pathlib import Path

BATCH = 2000
REVIEWERS = 20
ORGANIZATIONS = 1500
BENCH_DATABASE = "qpp_bench"
REVIEWER_EMAIL = "bench.reviewer{:02d}@bench.example"
SUBMITTER_EMAIL = "bench.submitter@bench.example"

# Status mix by how old the performance year is (current season = the newest year).
OLD_YEARS = {"approved": 60, "rejected": 25, "withdrawn": 15}
LAST_YEAR = {"approved": 45, "rejected": 15, "withdrawn": 10, "in_review": 15, "information_requested": 5,
             "recommended": 10}  # fmt: skip
THIS_YEAR = {"submitted": 30, "in_review": 25, "information_requested": 12, "recommended": 10, "approved": 12,
             "rejected": 6, "withdrawn": 5}  # fmt: skip
ANSWERS = {
    "contact": {"submitter_name": "Bench Submitter", "submitter_email": "bench@example.org", "state": "Maryland"},
    "arrangement": {"description": "Two-sided risk for primary care groups. " * 20, "participants": "Ten APM Entities"},
    "cehrt": {"requires_cehrt": "True", "requirement_citation": "Contract section 4.2, page 12"},
    "quality": {"payment_effect": "Shared savings depend on quality scores. " * 10},
    "financial_risk": {
        "risk_type": "two_sided",
        "marginal_risk_rate": "40",
        "minimum_loss_rate": "2",
        "risk_calculation": "40% of losses above a 2% minimum loss rate. " * 5,
    },  # fmt: skip
}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _batches(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def seed(count: int = 50_000, *, seed_value: int = 2026, stdout=sys.stdout) -> int:
    """Create ``count`` requests (once: a database that has them already is left alone)."""
    # Imported here: the bench configures Django (django.setup) before it may import models.
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import Organization, OrganizationKind, StaffRole, User
    from determinations.choices import PayerType, Process
    from determinations.models import Arrangement, PerformanceYear, Submission, SubmissionEvent, SubmissionWindow
    from determinations.rules.tracking_numbers import ALPHABET, RANDOM_LENGTH, tracking_number
    from determinations.services.reference_data import reference_data_load

    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" or not name.startswith(BENCH_DATABASE):
        raise SystemExit(f"Refusing to seed {connection.vendor} database {name!r}: use PostgreSQL {BENCH_DATABASE}*.")
    existing = Submission.objects.count()
    if existing >= count:
        stdout.write(f"{existing} submissions already there; nothing to do.\n")
        return existing

    rng = random.Random(seed_value)
    now = timezone.now()
    reference_data_load()
    with transaction.atomic():
        submitter, _ = User.objects.get_or_create(email=SUBMITTER_EMAIL, defaults={"full_name": "Bench Submitter"})
        lead, _ = User.objects.get_or_create(
            email="bench.lead@bench.example", defaults={"full_name": "Bench Lead", "staff_role": StaffRole.REVIEW_LEAD}
        )
        reviewers = [
            User.objects.get_or_create(
                email=REVIEWER_EMAIL.format(n),
                defaults={"full_name": f"Bench Reviewer {n:02d}", "staff_role": StaffRole.REVIEWER},
            )[0]
            for n in range(1, REVIEWERS + 1)
        ]
        payer_types = [choice.value for choice in PayerType]
        organizations = Organization.objects.bulk_create(
            [
                Organization(name=f"Bench Payer {n:04d}", kind=OrganizationKind.PAYER, payer_type=payer_types[n % 4])
                if n % 3
                else Organization(name=f"Bench APM Entity {n:04d}", kind=OrganizationKind.APM_ENTITY)
                for n in range(ORGANIZATIONS)
            ],
            batch_size=BATCH,
        )
        years = list(PerformanceYear.objects.filter(windows__isnull=False).distinct().order_by("year"))
        windows = {(w.performance_year_id, w.process, w.payer_type): w for w in SubmissionWindow.objects.all()}
        newest = years[-1].year

        plans = []
        for n in range(count - existing):
            organization = rng.choice(organizations)
            year = rng.choice(years)
            process = (
                Process.PAYER_INITIATED if organization.kind == OrganizationKind.PAYER else Process.CLINICIAN_INITIATED
            )
            payer_type = organization.payer_type or rng.choice(payer_types)
            window = windows.get((year.pk, process, payer_type)) or next(
                w for key, w in windows.items() if key[0] == year.pk
            )
            age = newest - year.year
            status = _weighted(rng, THIS_YEAR if age == 0 else LAST_YEAR if age == 1 else OLD_YEARS)
            plans.append((n, organization, year, process, payer_type, window, status))

        arrangements = Arrangement.objects.bulk_create(
            [
                Arrangement(
                    name=f"{rng.choice(['Shared Savings', 'Medical Home', 'Bundled Payment', 'Capitation', 'Episode'])}"
                    f" Program {n:05d}",
                    payer_name=organization.name
                    if process == Process.PAYER_INITIATED
                    else f"Commercial Payer {n % 97}",
                    payer_type=payer_type,
                    payer_organization=organization if process == Process.PAYER_INITIATED else None,
                )
                for n, organization, year, process, payer_type, window, status in plans
            ],
            batch_size=BATCH,
        )
        drawn = set()

        def drawn_numbers():  # the portal's own form (decision 0028), drawn from the seeded generator
            for _n, _organization, year, process, *_rest in plans:
                code = "PI" if process == Process.PAYER_INITIATED else "EC"
                number = None
                while number is None or number in drawn:
                    symbols = "".join(rng.choices(ALPHABET, k=RANDOM_LENGTH))
                    number = tracking_number(year=year.year, process_code=code, random_symbols=symbols)
                drawn.add(number)
                yield number

        numbers = drawn_numbers()
        submissions = []
        for (_n, organization, year, process, payer_type, window, status), arrangement in zip(
            plans, arrangements, strict=True
        ):
            submitted_at = window.closes_at - timedelta(days=rng.randint(1, 60))
            assigned = status != "submitted" and (status not in ("withdrawn",) or rng.random() < 0.5)
            submissions.append(
                Submission(
                    process=process,
                    requester_kind="payer" if process == Process.PAYER_INITIATED else "apm_entity",
                    payer_type=payer_type,
                    organization=organization,
                    arrangement=arrangement,
                    arrangement_name=arrangement.name,
                    performance_year=year,
                    window=window,
                    status=status,
                    status_changed_at=submitted_at,
                    answers=ANSWERS,
                    created_by=submitter,
                    submitted_at=submitted_at,
                    precheck_outcome=rng.choice(["meets", "meets", "needs_review", "does_not_meet"]),
                    assignee=rng.choice(reviewers) if assigned else None,
                    assigned_at=submitted_at + timedelta(days=3) if assigned else None,
                    review_due_at=window.closes_at + timedelta(days=settings.REVIEW_TARGET_DAYS),
                    tracking_number=next(numbers),
                )
            )
        for batch in _batches(submissions):
            Submission.objects.bulk_create(batch)
        season = timezone.localtime(now).replace(month=1, day=1, hour=0, minute=0)

        def decided_at(submission):
            if submission.performance_year.year == newest:
                return season + (now - season) * rng.random()
            return submission.submitted_at + timedelta(days=rng.randint(20, 90))

        events = [
            SubmissionEvent(
                submission=submission,
                event_type="approve" if submission.status == "approved" else "reject",
                actor=lead,
                at=decided_at(submission),
                from_state="recommended",
                to_state=submission.status,
            )
            for submission in submissions
            if submission.status in ("approved", "rejected")
        ]
        for batch in _batches(events):
            SubmissionEvent.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    total = Submission.objects.count()
    stdout.write(f"Seeded {total - existing} submissions ({total} in all) and {len(events)} decision events.\n")
    return total


if __name__ == "__main__":
    import argparse

    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qppportal.settings.base")
    django.setup()
    seed(arguments.count)
