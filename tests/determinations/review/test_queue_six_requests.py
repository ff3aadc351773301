"""The review queue over six requests that differ in every filtered attribute: filters, search, sorting,
counts, recusal, the CSV of a filtered view, saved views and status tabs.

The six requests are built once for the module (``tests.support.built_once_for_the_module``: building
them is most of a test's time), and what a test writes (a conflict of interest, a sign-in) is rolled
back after it. The tests that build their own requests, and count them, are in ``test_queue.py``.
"""

import pytest
from django.db import connection
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import StaffRole
from determinations.models import ConflictOfInterest
from determinations.selectors import review_queue
from determinations.states import SubmissionStatus
from tests.factories import UserFactory
from tests.support import built_once_for_the_module, sign_in

from .queue_support import (
    EXPORT_URL,
    QUEUE_URL,
    another_reviewer,
    apm_entity,
    make_submission,
    payer,
    queue_url,
    read_csv,
    tracking_numbers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture(scope="module")
def six_requests(django_db_setup, django_db_blocker):
    """The reviewer, and six requests keyed by a letter (with ``other_reviewer``, C's assignee), built once."""
    with built_once_for_the_module(django_db_blocker):
        reviewer = UserFactory(staff_role=StaffRole.REVIEWER)
        other = another_reviewer()
        made = {
            "A": make_submission(
                payer("Alpha State Medicaid", "medicaid"),
                name="Alpha Health Homes",
                year=2027,
                due_in_days=5,
                submitted_days_ago=3,
            ),
            "B": make_submission(
                apm_entity("Beta ACO"),
                name="Beta Shared Savings",
                payer_name="Beta Commercial Insurance",
                year=2026,
                payer_type="other_payer",
                status=SubmissionStatus.IN_REVIEW,
                assignee=reviewer,
                precheck="does_not_meet",
                due_in_days=40,
                submitted_days_ago=30,
            ),
            "C": make_submission(
                payer("Gamma Health Plan", "medicare_health_plan"),
                name="Gamma Advantage Risk",
                status=SubmissionStatus.INFORMATION_REQUESTED,
                assignee=other,
                precheck="needs_review",
                due_in_days=-3,
                submitted_days_ago=20,
            ),
            "D": make_submission(
                payer("Delta Insurance"), name="Delta Decided", status=SubmissionStatus.APPROVED, assignee=reviewer
            ),
            "E": make_submission(
                payer("Epsilon Insurance"), name="Epsilon Withdrawn", status=SubmissionStatus.WITHDRAWN
            ),
            "F": make_submission(payer("Zeta Insurance"), name="Zeta Draft", status=SubmissionStatus.DRAFT),
        }
        made["other_reviewer"] = other
        yield reviewer, made


@pytest.fixture
def reviewer(six_requests):
    """The reviewer B and D are assigned to (this module's own, in place of the suite's)."""
    return six_requests[0]


@pytest.fixture
def rows(six_requests):
    return six_requests[1]


def letters(rows, response) -> set[str]:
    by_number = {s.tracking_number: key for key, s in rows.items() if hasattr(s, "tracking_number")}
    return {by_number[number] for number in tracking_numbers(response)}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, "ABC"),
        ({"status": "open"}, "ABC"),
        ({"status": "all"}, "ABCDE"),
        ({"status": "approved"}, "D"),
        ({"status": "withdrawn"}, "E"),
        ({"year": "2026"}, "B"),
        ({"process": "clinician_initiated"}, "B"),
        ({"payer_type": "medicaid"}, "A"),
        ({"payer_type": "medicare_health_plan"}, "C"),
        ({"unassigned": "on"}, "A"),
        ({"mine": "on"}, "B"),
        ({"mine": "on", "status": "all"}, "BD"),
        ({"due_within": "7"}, "AC"),
        ({"due_within": "0"}, "C"),
        ({"due_within": "60"}, "ABC"),
        ({"precheck": "does_not_meet"}, "B"),
        ({"precheck": "needs_review"}, "C"),
        ({"q": "gamma"}, "C"),
        ({"q": "Beta savings"}, "B"),
        ({"q": "commercial insurance"}, "B"),
        ({"q": "ALPHA medicaid"}, "A"),
        ({"q": "nothing like this"}, ""),
        ({"status": "all", "q": "decided"}, "D"),
        ({"year": "2027", "unassigned": "on", "due_within": "7"}, "A"),
    ],
)
def test_each_filter_narrows_the_queue(client, rows, reviewer, params, expected):
    sign_in(client, reviewer)

    response = client.get(queue_url(**params))

    assert response.status_code == 200
    assert letters(rows, response) == set(expected)
    assert response.context["queue"].total == len(expected)


def test_the_assignee_filter_lists_reviewers_and_narrows(client, rows, review_lead):
    sign_in(client, review_lead)

    response = client.get(queue_url(assignee=rows["other_reviewer"].pk))

    assert letters(rows, response) == {"C"}
    assertContains(response, f'<option value="{rows["other_reviewer"].pk}" selected>Robin Reviewer</option>', html=True)


def test_a_number_in_the_tracking_number_finds_the_request(client, rows, reviewer):
    sign_in(client, reviewer)

    response = client.get(queue_url(q=rows["B"].tracking_number.lower()))

    assert letters(rows, response) == {"B"}


def test_a_malformed_filter_is_shown_as_an_error_and_ignored(client, rows, reviewer):
    sign_in(client, reviewer)

    response = client.get(queue_url(due_within="soon", year="1900", payer_type="martian"))

    assert letters(rows, response) == {"A", "B", "C"}
    assertContains(response, "usa-error-message", count=3)


@pytest.mark.parametrize(
    "sort,expected",
    [
        ("", "CAB"),
        ("due", "CAB"),
        ("-due", "BAC"),
        ("submitted", "BCA"),
        ("-submitted", "ACB"),
        ("organization", "ABC"),
        ("-organization", "CBA"),
        ("arrangement", "ABC"),
        ("status", "ABC"),
        ("-status", "CBA"),
    ],
)
def test_sorting(client, rows, reviewer, sort, expected):
    sign_in(client, reviewer)

    response = client.get(queue_url(sort=sort) if sort else QUEUE_URL)

    by_number = {s.tracking_number: key for key, s in rows.items() if hasattr(s, "tracking_number")}
    assert "".join(by_number[n] for n in tracking_numbers(response)) == expected


def test_counts_per_status_follow_the_other_filters_but_not_the_status(client, rows, reviewer):
    sign_in(client, reviewer)

    response = client.get(queue_url(year="2027", status="approved"))

    counts = response.context["queue"].counts
    assert counts[SubmissionStatus.SUBMITTED] == 1
    assert counts[SubmissionStatus.INFORMATION_REQUESTED] == 1
    assert counts[SubmissionStatus.APPROVED] == 1
    assert counts[SubmissionStatus.WITHDRAWN] == 1
    assert counts[SubmissionStatus.IN_REVIEW] == 0  # B is 2026
    assert SubmissionStatus.DRAFT not in counts
    assert response.context["queue"].open_count == 2
    assertContains(response, 'href="?year=2027&amp;status=in_review"')
    assertContains(response, 'status=approved" aria-current="true">Approved <span class="portal-count">1</span></a>')


def test_a_reviewer_does_not_see_requests_of_an_organization_they_are_recused_from(client, rows, reviewer):
    ConflictOfInterest.objects.create(reviewer=reviewer, organization=rows["A"].organization, reason="Former employer")
    sign_in(client, reviewer)

    response = client.get(QUEUE_URL)

    assert letters(rows, response) == {"B", "C"}


def test_reviewers_see_claim_buttons_and_leads_see_checkboxes(client, rows, reviewer, review_lead):
    sign_in(client, reviewer)
    as_reviewer = client.get(QUEUE_URL)
    sign_in(client, review_lead)
    as_lead = client.get(QUEUE_URL)

    assertContains(as_reviewer, "/claim/", count=1)  # only A is open and unassigned
    assertContains(as_reviewer, f'Claim<span class="usa-sr-only"> {rows["A"].tracking_number}')
    assertNotContains(as_reviewer, 'form="assign-form"')
    assertContains(as_lead, 'form="assign-form"', count=3)
    assertNotContains(as_lead, "/claim/")
    assertContains(as_lead, 'id="assign-assignee"')


def test_overdue_requests_are_marked(client, rows, reviewer):
    sign_in(client, reviewer)

    response = client.get(QUEUE_URL)

    assertContains(response, ">Overdue</span>", count=1)


@pytest.mark.parametrize("params", [{}, {"status": "all"}, {"due_within": "7"}, {"q": "beta"}, {"sort": "-due"}])
def test_the_csv_holds_exactly_the_filtered_rows_in_order(client, rows, reviewer, params):
    sign_in(client, reviewer)

    page = client.get(queue_url(**params))
    export = read_csv(client.get(EXPORT_URL, params))

    assert export[0][0] == "Tracking number"
    assert [line[0] for line in export[1:]] == tracking_numbers(page)


def test_the_search_reads_the_trigram_indexes_on_postgresql(rows, reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is a PostgreSQL extension; on SQLite the search scans")
    queryset = review_queue.queue_filter(reviewer, {"q": "gamma", "status": "all"}).qs

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    for index in (
        "submission_arrangement_name_trgm_idx",
        "submission_tracking_number_trgm_idx",
        "arrangement_payer_name_trgm_idx",
        "organization_name_trgm_idx",
    ):
        assert index in plan, plan


# --- The workbench: saved views, status tabs, what waits for a lead -------------------------------


@pytest.mark.parametrize(
    "label,params,expected",
    [
        ("Mine, due soonest", {"mine": "on", "sort": "due"}, "B"),
        ("Unassigned", {"unassigned": "on"}, "A"),
        ("Overdue", {"due_within": "0"}, "C"),
        ("Waiting for the submitter", {"status": "information_requested"}, "C"),
    ],
)
def test_saved_views_are_named_links_that_keep_their_filters_in_the_url(
    client, rows, reviewer, label, params, expected
):
    sign_in(client, reviewer)
    url = queue_url(**params)

    home = client.get(QUEUE_URL)
    assertContains(home, f'<a class="portal-tab" href="{url.replace("&", "&amp;")}">{label}</a>', html=True)

    response = client.get(url)
    assert letters(rows, response) == set(expected)
    assertContains(
        response, f'<a class="portal-tab" href="{url.replace("&", "&amp;")}" aria-current="page">{label}</a>', html=True
    )


def test_status_counts_are_tabs_that_filter_and_keep_the_other_filters(client, rows, reviewer):
    sign_in(client, reviewer)

    response = client.get(queue_url(year="2027"))

    assertContains(response, 'href="?year=2027&amp;status=information_requested"')
    assertContains(response, 'aria-current="true">Open <span class="portal-count">2</span></a>', html=False)


def test_only_leads_get_the_awaiting_decision_view_and_the_tick_all_box(client, rows, reviewer, review_lead):
    sign_in(client, reviewer)
    assertNotContains(client.get(QUEUE_URL), "Awaiting a decision")
    assertNotContains(client.get(QUEUE_URL), "data-portal-pick-all")

    sign_in(client, review_lead)
    page = client.get(QUEUE_URL)
    assertContains(page, "Awaiting a decision")
    assertContains(page, 'data-portal-pick-all="submissions"')
