"""The benchmark's other pages, on top of ``seed_queue``: one busy request, a busy payer, a long public list.

- a request with at least 40 events, 10 documents and 3 answered information requests, left
  recommended, so the reviewer's request page and the lead's decision page load the same request;
- a payer organization with 500 requests, and its submitter (the dashboard);
- 5,000 approved, current determinations effective in this calendar year (the public list).

The busy request is made through the services, as the pages make it, by the test suite's
``SubmissionFactory`` (which moves the clock into an open submission window while it submits). The other rows go in
with ``bulk_create``. Run by ``run_queue_bench.py`` after ``seed_queue.seed``; a database that has
them already is left alone.
"""

import sys
from datetime import timedelta

PAYER_EMAIL = "bench.payer@bench.example"
LEAD_EMAIL = "bench.lead@bench.example"
BUSY_REQUEST_NAME = "Bench Busy Request"
DASHBOARD_REQUESTS = 500
PUBLISHED = 5000


def seed_workbench(*, reviewer_email: str, stdout=sys.stdout) -> dict[str, int]:
    """Create the rows (once) and return the ids the bench's URLs need."""
    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import User
    from determinations.models import Submission

    busy = Submission.objects.filter(arrangement_name=BUSY_REQUEST_NAME).first()
    if busy is None:
        reviewer = User.objects.get(email=reviewer_email)
        busy = _busy_request(reviewer)
        _dashboard_requests()
        _published_determinations()
    stdout.write(
        f"Busy request {busy.tracking_number}: {busy.events.count()} events, {busy.documents.count()} documents, "
        f"{busy.information_requests.count()} information requests; "
        f"{Submission.objects.filter(created_by__email=PAYER_EMAIL).count()} requests of the dashboard payer.\n"
    )
    return {"busy_request": busy.pk}


def _busy_request(reviewer):
    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import User
    from determinations.models import Submission
    from determinations.services import review
    from determinations.states import SubmissionStatus
    from tests.factories import SubmissionFactory, organization_member
    from tests.factories import submissions as steps

    payer = organization_member("payer", "other_payer", "Bench Dashboard Payer")
    User.objects.filter(pk=payer.pk).update(email=PAYER_EMAIL)
    payer.refresh_from_db()
    submission = SubmissionFactory(
        member=payer,
        name=BUSY_REQUEST_NAME,
        document_count=10,
        measure_count=4,
        state=SubmissionStatus.IN_REVIEW,
        reviewer=reviewer,
    )
    for number in range(3):
        question = review.information_request_ask(
            submission_id=submission.pk,
            actor=reviewer,
            question=f"Question {number + 1}: send the risk corridor table.",
            due_at=steps.due_in(10),
        )
        review.information_request_answer(
            submission_id=submission.pk, actor=payer, information_request_id=question.pk, response="Attached."
        )
    for number in range(15):
        review.internal_note_add(submission_id=submission.pk, actor=reviewer, text=f"Checked item {number + 1}.")
    steps.recommended(submission, reviewer)
    return Submission.objects.get(pk=submission.pk)


def _dashboard_requests() -> None:
    """The dashboard payer's other requests: copies of the busy one, in every status."""
    # after django.setup(): the bench picks its database and settings at run time
    from determinations.models import Arrangement, Submission

    busy = Submission.objects.select_related("arrangement").get(arrangement_name=BUSY_REQUEST_NAME)
    statuses = ["draft", "submitted", "in_review", "information_requested", "recommended", "approved", "rejected"]
    arrangements = Arrangement.objects.bulk_create(
        [
            Arrangement(
                name=f"Bench Dashboard Program {n:03d}",
                payer_name=busy.arrangement.payer_name,
                payer_type=busy.arrangement.payer_type,
                payer_organization_id=busy.arrangement.payer_organization_id,
            )
            for n in range(DASHBOARD_REQUESTS - 1)
        ]
    )
    Submission.objects.bulk_create(
        [
            Submission(
                process=busy.process,
                requester_kind=busy.requester_kind,
                payer_type=busy.payer_type,
                organization_id=busy.organization_id,
                arrangement=arrangement,
                arrangement_name=arrangement.name,
                performance_year_id=busy.performance_year_id,
                window_id=busy.window_id,
                status=statuses[n % len(statuses)],
                answers=busy.answers,
                created_by_id=busy.created_by_id,
                submitted_at=None if n % len(statuses) == 0 else busy.submitted_at,
                tracking_number=None if n % len(statuses) == 0 else f"OPA-BENCH-{n:06d}",
                review_due_at=busy.review_due_at,
            )
            for n, arrangement in enumerate(arrangements)
        ],
        batch_size=1000,
    )


def _published_determinations() -> None:
    from django.utils import timezone

    # after django.setup(): the bench picks its database and settings at run time
    from accounts.models import User
    from determinations.models import Determination, Submission

    lead = User.objects.get(email=LEAD_EMAIL)
    year = timezone.localdate().year
    approved = (
        Submission.objects.filter(status="approved").order_by("pk").values_list("pk", "arrangement_id")[:PUBLISHED]
    )
    now = timezone.now()
    Determination.objects.bulk_create(
        [
            Determination(
                submission_id=pk,
                arrangement_id=arrangement_id,
                outcome="approved",
                first_year=year,
                last_year=year,
                decided_by=lead,
                decided_at=now - timedelta(days=pk % 300),
            )
            for pk, arrangement_id in approved
        ],
        batch_size=1000,
    )
