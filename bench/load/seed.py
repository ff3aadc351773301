"""The people and requests of the load test, each person with work of their own to do.

- the 2028 windows are moved to be open now, as a program admin would move them (with a reason);
- every person has an account of their own (payers and clinicians in organizations of their own);
- the first ``work`` payer submitters each have one draft, complete but not yet submitted; the
  first ``work`` reviewers one submitted request nobody has claimed; the first ``work // 2`` leads
  one recommended request. The others read (dashboards, the queue, the workload page), and every
  clinician starts new requests. Building a request through the services takes seconds on a
  shared machine, so ``work`` keeps the seeding short.

Requests are made through the services by the test suite's ``SubmissionFactory`` (like
``bench/seed_workbench.py``). Every person gets a signed-in session (staff with a verified TOTP
device, as ``run_queue_bench.session_cookie`` makes them).
"""

import datetime

from bench.run_queue_bench import session_cookie

ROLES = {"payer": 80, "clinician": 30, "reviewer": 60, "lead": 30}
WINDOW_YEAR = 2028


def _open_windows_now(admin) -> None:
    from django.utils import timezone

    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import SubmissionWindow
    from determinations.services.windows import submission_window_save

    now = timezone.now()
    for window in SubmissionWindow.objects.filter(performance_year__year=WINDOW_YEAR, is_demonstration=False):
        submission_window_save(
            actor=admin,
            reason="Load test: open while the scenario runs.",
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now + datetime.timedelta(days=60),
            is_provisional=False,
            window=window,
        )


def seed(stdout, *, work: int) -> dict[str, list[dict]]:
    """Create everyone (on an empty database) and return, per role, each person's cookie and work."""
    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import OrganizationKind, StaffRole
    from determinations.models import SubmissionWindow
    from tests.factories import SubmissionFactory, UserFactory, organization_member
    from tests.factories.submissions import attested

    admin = UserFactory(staff_role=StaffRole.PROGRAM_ADMIN, is_staff=True, email="load.admin@bench.example")
    _open_windows_now(admin)
    people: dict[str, list[dict]] = {role: [] for role in ROLES}
    for number in range(ROLES["payer"]):
        member = organization_member(OrganizationKind.PAYER, "other_payer", f"Load Payer {number}")
        person = {"cookie": session_cookie(member.email)}
        if number < work:
            draft = SubmissionFactory(member=member, state="draft", year=WINDOW_YEAR, name=f"Load Arrangement {number}")
            attested(draft, member, measure_count=1, document_count=1)
            person["draft"] = draft.pk
        people["payer"].append(person)
    clinician_window = SubmissionWindow.objects.filter(
        performance_year__year=WINDOW_YEAR, process="clinician_initiated", payer_type="other_payer"
    ).get(is_demonstration=False)
    for number in range(ROLES["clinician"]):
        member = organization_member(OrganizationKind.APM_ENTITY, name=f"Load APM Entity {number}")
        people["clinician"].append({"cookie": session_cookie(member.email), "window": clinician_window.pk})
    for number in range(ROLES["reviewer"]):
        reviewer = UserFactory(staff_role=StaffRole.REVIEWER, email=f"load.reviewer{number}@bench.example")
        person = {"cookie": session_cookie(reviewer.email)}
        if number < work:
            person["request"] = SubmissionFactory(state="submitted", year=WINDOW_YEAR, name=f"Load Review {number}").pk
        people["reviewer"].append(person)
    for number in range(ROLES["lead"]):
        lead = UserFactory(staff_role=StaffRole.REVIEW_LEAD, email=f"load.lead{number}@bench.example")
        person = {"cookie": session_cookie(lead.email)}
        if number < work // 2:
            person["request"] = SubmissionFactory(
                state="recommended", year=WINDOW_YEAR, name=f"Load Decision {number}"
            ).pk
        people["lead"].append(person)
    stdout.write(f"Seeded {', '.join(f'{n} {role}s' for role, n in ROLES.items())}; {work} with work of their own.\n")
    return people
