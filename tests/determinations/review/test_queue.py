"""The review queue over requests each test builds: pagination, the CSV of every page, query counts, the
workload, counts that follow changes, access. Filters, search and sorting over six fixed requests are in
``test_queue_six_requests.py``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from determinations.models import ConflictOfInterest, Submission, SubmissionEvent
from determinations.selectors import review_queue
from determinations.services.assignment import conflict_declare, submission_claim
from determinations.states import SubmissionStatus
from determinations.workflow import transition_apply
from tests.factories import UserFactory
from tests.support import sign_in

from .queue_support import (
    EXPORT_URL,
    QUEUE_URL,
    WORKLOAD_URL,
    another_reviewer,
    make_many,
    make_submission,
    payer,
    queue_url,
    read_csv,
    tracking_numbers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_filters_live_in_the_url_so_a_view_can_be_bookmarked(client, reviewer, small_pages):
    organization = payer("Bookmark Payer", "medicaid")
    make_many(small_pages + 2, organization, precheck="needs_review")
    make_many(2, organization, precheck="meets")
    sign_in(client, reviewer)
    params = {"precheck": "needs_review", "payer_type": "medicaid", "sort": "-submitted"}

    first = client.get(queue_url(**params))
    again = client.get(queue_url(**params))
    second = client.get(queue_url(**params, page=2))

    assert tracking_numbers(first) == tracking_numbers(again)
    assert len(tracking_numbers(first)) == small_pages
    assert len(tracking_numbers(second)) == 2
    assert not set(tracking_numbers(first)) & set(tracking_numbers(second))
    assertContains(first, '<option value="needs_review" selected>', html=False)
    assertContains(first, '<option value="-submitted" selected>', html=False)
    assertContains(first, 'href="?precheck=needs_review&amp;payer_type=medicaid&amp;sort=-submitted&amp;page=2"')
    assertContains(first, f"{EXPORT_URL}?precheck=needs_review&amp;payer_type=medicaid&amp;sort=-submitted&amp;")
    assertContains(second, 'aria-current="page">2</a>')


def test_pages_past_the_end_show_the_last_page(client, reviewer):
    make_many(3, payer("Small Payer"))
    sign_in(client, reviewer)

    response = client.get(queue_url(page=99))

    assert len(tracking_numbers(response)) == 3
    assertNotContains(response, "usa-pagination")


# --- CSV export ---------------------------------------------------------------------------------


def test_the_csv_holds_every_page_and_the_readable_values(client, reviewer, small_pages):
    organization = payer("Many Payer", "medicaid")
    made = make_many(2 * small_pages + 2, organization, assignee=reviewer, precheck="needs_review")
    sign_in(client, reviewer)

    export = read_csv(client.get(EXPORT_URL, {"mine": "on"}))

    assert len(export) == len(made) + 1
    first = dict(zip(export[0], export[1], strict=True))
    assert first["Organization"] == "Many Payer"
    assert first["Payer type"] == "State Medicaid agency"
    assert first["Process"] == "Payer Initiated"
    assert first["Status"] == "In review"  # assigning a submitted request starts its review
    assert first["Automatic check"] == "Needs a reviewer's judgment"
    assert first["Assigned to"] == reviewer.full_name
    assert {line[0] for line in export[1:]} == {s.tracking_number for s in made}


def test_the_csv_does_not_let_a_spreadsheet_run_a_submitted_name(client, reviewer):
    make_submission(payer('=HYPERLINK("http://evil.example")'), name="+SUM(1,2)")
    sign_in(client, reviewer)

    export = read_csv(client.get(EXPORT_URL))

    row = dict(zip(export[0], export[1], strict=True))
    assert row["Arrangement"] == "'+SUM(1,2)"
    assert row["Organization"].startswith("'=HYPERLINK")


# --- A fixed number of queries ------------------------------------------------------------------


def warm(client) -> None:
    """One signed-in request first, so the counts below are the page's own (the user and device are cached)."""
    assert client.get(reverse("accounts:home")).status_code == 302


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "role,url",
    [
        ("reviewer", QUEUE_URL),
        ("review_lead", QUEUE_URL),
        ("reviewer", queue_url(status="all", sort="organization", q="payer")),
        ("review_lead", queue_url(mine="on", due_within="90", precheck="meets", year="2027")),
        ("review_lead", WORKLOAD_URL),
    ],
)
def test_the_queue_and_workload_pages_run_the_same_queries_for_3_or_12_requests(
    client, request, role, url, small_pages
):
    user = request.getfixturevalue(role)
    reviewers = [another_reviewer(f"Reviewer {n}") for n in range(3)]
    organization = payer("Count Payer")
    warm(sign_in(client, user))

    make_many(3, organization, assignee=reviewers[0])
    few = queries_for(client, url)
    for index in range(9):  # twelve requests: more than a page
        status = [SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW, SubmissionStatus.APPROVED][index % 3]
        make_submission(
            payer(f"Count Payer {index}"), status=status, assignee=reviewers[index % 3] if index % 2 else None
        )
    many = queries_for(client, url)

    assert few == many
    assert many <= 8  # the queue not cached yet: seven with the saved views


def test_the_export_runs_the_same_queries_for_3_or_12_requests(client, reviewer, small_pages):
    warm(sign_in(client, reviewer))
    organization = payer("Export Payer")
    make_many(3, organization)

    def count():
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(EXPORT_URL, {"status": "all"}).streaming_content)
        return len(captured)

    few = count()
    make_many(9, organization, assignee=reviewer)
    assert count() == few


# --- Workload -----------------------------------------------------------------------------------


def test_the_workload_counts_open_overdue_and_decided_this_season(client, review_lead, reviewer):
    idle = another_reviewer("Idle Reviewer")
    organization = payer("Workload Payer")
    make_many(2, organization, assignee=reviewer, status=SubmissionStatus.IN_REVIEW)
    make_submission(organization, assignee=reviewer, status=SubmissionStatus.INFORMATION_REQUESTED, due_in_days=-1)
    make_submission(organization, assignee=reviewer, status=SubmissionStatus.WITHDRAWN, due_in_days=-1)
    this_season, last_season = make_many(2, organization, assignee=reviewer, status=SubmissionStatus.APPROVED)
    make_submission(organization, assignee=reviewer, status=SubmissionStatus.REJECTED)
    last_year = timezone.now() - timezone.timedelta(days=400)
    Submission.objects.filter(pk=last_season.pk).update(status_changed_at=last_year)
    make_submission(organization, status=SubmissionStatus.SUBMITTED)
    sign_in(client, review_lead)

    response = client.get(WORKLOAD_URL)

    workload = {person.pk: person for person in response.context["workload"]}
    assert (workload[reviewer.pk].open_count, workload[reviewer.pk].overdue_count) == (3, 1)
    assert workload[reviewer.pk].done_count == 2  # this season's approval and rejection
    assert (workload[idle.pk].open_count, workload[idle.pk].overdue_count, workload[idle.pk].done_count) == (0, 0, 0)
    assert response.context["waiting"].unassigned == 1
    assertContains(response, f'href="{QUEUE_URL}?assignee={reviewer.pk}&amp;due_within=0"')
    assertContains(response, "<h1>Review lead</h1>", html=True)


def test_a_decision_made_through_the_workflow_counts_for_the_assigned_reviewer(client, review_lead, reviewer):
    """status_changed_at is the decision event's time, so the workload matches the event log."""
    submission = make_submission(payer("Decided Payer"), assignee=reviewer, status=SubmissionStatus.RECOMMENDED)
    transition_apply(submission_id=submission.pk, name="approve", actor=review_lead)
    event = SubmissionEvent.objects.get(submission=submission, event_type="approve")
    submission.refresh_from_db()

    assert submission.status_changed_at == event.at
    [row] = [person for person in review_queue.reviewer_workload() if person.pk == reviewer.pk]
    assert row.done_count == 1


def test_the_season_starts_on_january_first_eastern_time():
    import datetime
    from zoneinfo import ZoneInfo

    eastern = ZoneInfo("America/New_York")
    now = datetime.datetime(2026, 1, 1, 3, 0, tzinfo=datetime.UTC)  # still December 31 in Eastern time

    assert review_queue.season_start(now) == datetime.datetime(2025, 1, 1, tzinfo=eastern)


# --- Who may open what --------------------------------------------------------------------------

ROLES = ["anonymous", "payer_submitter", "clinician_submitter", "program_admin", "reviewer", "review_lead"]
BOTH = {"reviewer", "review_lead"}


@pytest.mark.parametrize(
    "method,path,allowed",
    [
        ("get", QUEUE_URL, BOTH),
        ("get", EXPORT_URL, BOTH),
        ("get", WORKLOAD_URL, {"review_lead"}),
        ("get", "conflict", BOTH),
        ("post", "assign", {"review_lead"}),
        ("post", "claim", {"reviewer"}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, role, method, path, allowed):
    submission = make_submission(payer("Matrix Payer"))
    path = {
        "conflict": f"/review/requests/{submission.pk}/conflict/",
        "claim": f"/review/requests/{submission.pk}/claim/",
        "assign": "/review/assign/",
    }.get(path, path)
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))

    response = getattr(client, method)(path, {"submissions": [submission.pk]} if method == "post" else {})

    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role in allowed:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert response["Location"].startswith("/review/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("path", ["/review/assign/", "claim"])
def test_assign_and_claim_take_only_posts(client, review_lead, reviewer, path):
    submission = make_submission(payer("Get Payer"))
    path = f"/review/requests/{submission.pk}/claim/" if path == "claim" else path
    sign_in(client, reviewer if "claim" in path else review_lead)

    assert client.get(path).status_code == 405


def test_drafts_and_unknown_requests_have_no_conflict_page(client, reviewer):
    draft = make_submission(payer("Draft Payer"), status=SubmissionStatus.DRAFT)
    sign_in(client, reviewer)

    assert client.get(f"/review/requests/{draft.pk}/conflict/").status_code == 404
    assert client.get("/review/requests/999999/conflict/").status_code == 404


def test_an_inactive_reviewer_is_not_offered_as_assignee(client, review_lead):
    UserFactory(staff_role="reviewer", full_name="Gone Reviewer", is_active=False)
    active = another_reviewer("Active Reviewer")
    sign_in(client, review_lead)

    response = client.get(QUEUE_URL)

    assertContains(response, "Active Reviewer")
    assertNotContains(response, "Gone Reviewer")
    assert [r.pk for r in response.context["queue"].reviewers] == [active.pk]


# --- Counts: cached under the data's version, never used to cut the rows ----------------------


def test_counts_follow_every_change_to_the_requests(client, reviewer):
    organization = payer("Version Payer")
    first = make_submission(organization)
    sign_in(client, reviewer)
    assert client.get(QUEUE_URL).context["queue"].counts[SubmissionStatus.SUBMITTED] == 1

    make_submission(organization)
    assert client.get(QUEUE_URL).context["queue"].counts[SubmissionStatus.SUBMITTED] == 2

    submission_claim(submission_id=first.pk, actor=reviewer)
    counts = client.get(QUEUE_URL).context["queue"].counts
    assert (counts[SubmissionStatus.SUBMITTED], counts[SubmissionStatus.IN_REVIEW]) == (1, 1)


def test_a_new_conflict_changes_the_counts_at_once(client, reviewer):
    organization = payer("Recused Count Payer")
    submission = make_submission(organization)
    make_submission(payer("Other Count Payer"))
    sign_in(client, reviewer)
    assert client.get(QUEUE_URL).context["queue"].open_count == 2

    conflict_declare(reviewer=reviewer, submission=submission, reason="Former employer")

    assert client.get(QUEUE_URL).context["queue"].open_count == 1


def test_rows_never_depend_on_the_counts(client, reviewer, monkeypatch):
    """Counts may lag a QuerySet.update that skips updated_at; the rows shown must not."""
    made = make_many(3, payer("Lagging Payer"))
    sign_in(client, reviewer)
    monkeypatch.setattr(
        review_queue, "status_counts", lambda *args, **kwargs: dict.fromkeys(review_queue.QUEUE_STATUSES, 0)
    )

    response = client.get(QUEUE_URL)

    assert sorted(tracking_numbers(response)) == sorted(s.tracking_number for s in made)


def test_the_lead_home_counts_what_awaits_a_decision_and_what_is_unassigned(client, review_lead, reviewer):
    organization = payer("Waiting Payer")
    make_many(2, organization, status=SubmissionStatus.RECOMMENDED, assignee=reviewer)
    make_many(3, organization, status=SubmissionStatus.SUBMITTED)
    make_submission(organization, status=SubmissionStatus.APPROVED)
    sign_in(client, review_lead)

    response = client.get(WORKLOAD_URL)

    waiting = response.context["waiting"]
    assert (waiting.awaiting_decision, waiting.unassigned) == (2, 3)
    assertContains(response, f'href="{QUEUE_URL}?status=recommended"')
    assertContains(response, '<span class="portal-big">2</span> awaiting your decision', html=False)


def test_the_lead_home_lists_what_awaits_a_decision_and_what_is_unassigned(client, review_lead, reviewer, monkeypatch):
    monkeypatch.setattr(review_queue, "LEAD_LIST_SIZE", 2)
    organization = payer("Listed Payer")
    recommended = [
        make_submission(organization, status=SubmissionStatus.RECOMMENDED, assignee=reviewer, due_in_days=days)
        for days in (9, 3, 6)
    ]
    unassigned = make_submission(organization, status=SubmissionStatus.SUBMITTED, due_in_days=-2)
    hidden = make_submission(payer("Recused Payer"), status=SubmissionStatus.SUBMITTED)
    ConflictOfInterest.objects.create(reviewer=review_lead, organization=hidden.organization, reason="Family")
    sign_in(client, review_lead)

    response = client.get(WORKLOAD_URL)

    waiting = response.context["waiting"]
    assert [row.id for row in waiting.awaiting_rows] == [recommended[1].pk, recommended[2].pk]
    assert [row.id for row in waiting.unassigned_rows] == [unassigned.pk]
    assert (waiting.awaiting_decision, waiting.unassigned) == (3, 1)
    assertContains(response, "Awaiting your decision (3)")
    assertContains(response, reverse("determinations:review_detail", args=[recommended[1].pk]))
    assertContains(response, f"{recommended[1].tracking_number}</a><br>{recommended[1].arrangement_name}</th>")
    assertContains(response, f'href="{QUEUE_URL}?status=recommended">All 3 in the review queue</a>')
    assertContains(response, "Unassigned (1)")
    assertNotContains(response, hidden.tracking_number)
