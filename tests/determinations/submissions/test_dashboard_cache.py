"""The dashboard's list of requests is kept in the cache under its organizations' versions
(``determinations/dashboard.py``, decision 0039), and the whole page per viewer and address under
those and the viewer's token (decision 0040): a load with nothing changed reads no request (and runs
no query), and every change to one of the organization's requests, its members, the viewer's
memberships and name, and the windows (also by the clock) shows on the very next load."""

import datetime

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts import selectors as accounts_selectors
from accounts.models import Membership, OrganizationKind
from determinations.selectors import submissions as submission_selectors
from determinations.services import review
from determinations.services.submissions import submission_save_section
from determinations.states import SubmissionStatus
from tests.factories import MembershipFactory, OrganizationFactory, SubmissionFactory, organization_member
from tests.factories import submissions as steps
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def requests_list(response) -> str:
    return response.content.decode().split("<h2>Your determination requests</h2>", 1)[1].split("</table>", 1)[0]


@pytest.fixture
def reads(monkeypatch):
    """How many times the dashboard read its requests (only when its cached list is missing)."""
    calls = []
    real = submission_selectors.submissions_for_dashboard
    monkeypatch.setattr(submission_selectors, "submissions_for_dashboard", lambda user: calls.append(1) or real(user))
    return calls


@pytest.fixture
def dashboard(client, payer, reads, django_capture_on_commit_callbacks):
    """Load the dashboard, then ``change()`` (its commit callbacks run), then load it again."""
    sign_in(client, payer)

    def load():
        response = client.get(reverse("accounts:organization_home"))
        assert response.status_code == 200
        return response

    def around(change):
        before = load()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return before, load()

    return load, around


def test_a_second_load_with_nothing_changed_reads_no_request(submitted, dashboard, reads):
    load, _ = dashboard
    first, second = load(), load()

    assert len(reads) == 1
    assert requests_list(first) == requests_list(second)  # the rest of the page has its own CSRF token
    assertContains(second, submitted.tracking_number)


def test_a_new_draft_and_its_new_name_show_on_the_next_load(submitted, payer, dashboard):
    _, around = dashboard
    holder = {}

    def create():
        holder["draft"] = SubmissionFactory(member=payer, name="Brand New Program", state=SubmissionStatus.DRAFT)

    before, after = around(create)
    assertNotContains(before, "Brand New Program")
    assertContains(after, "Brand New Program")

    draft = holder["draft"]
    arrangement = {**draft.answers.get("arrangement", {}), "name": "Renamed Program"}
    _, after = around(
        lambda: submission_save_section(submission_id=draft.pk, actor=payer, section="arrangement", answers=arrangement)
    )
    assertContains(after, "Renamed Program")


def test_a_question_its_new_due_date_and_its_answer_show_on_the_next_load(in_review, reviewer, payer, dashboard):
    _, around = dashboard
    answer_link = reverse("determinations:information_request_answer", args=[in_review.pk])

    before, asked = around(
        lambda: review.information_request_ask(
            submission_id=in_review.pk, actor=reviewer, question="Send page 4.", due_at=steps.due_in(10)
        )
    )
    assertNotContains(before, answer_link)
    assertContains(asked, answer_link)

    later = steps.due_in(30)
    _, extended = around(
        lambda: review.information_request_extend(
            submission_id=in_review.pk, actor=reviewer, due_at=later, reason="More time"
        )
    )
    assertContains(extended, date_filter(timezone.localtime(later), "M j, Y g:i A"))

    _, answered = around(
        lambda: review.information_request_answer(
            submission_id=in_review.pk,
            actor=payer,
            information_request_id=in_review.information_requests.get().pk,
            response="Attached.",
        )
    )
    assertNotContains(answered, answer_link)


def test_a_decision_shows_on_the_next_load(in_review, reviewer, review_lead, dashboard):
    _, around = dashboard
    before, after = around(lambda: steps.approved(in_review, reviewer, review_lead))
    assert requests_list(before) != requests_list(after)
    assertContains(after, "Approved as an Other Payer Advanced APM")


def test_the_organization_and_the_window_deadline_show_on_the_next_load(submitted, dashboard):
    _, around = dashboard
    organization, window = submitted.organization, submitted.window

    def rename():
        organization.name = "Renamed Health Plan"
        organization.save()

    _, after = around(rename)
    assertContains(after, "Renamed Health Plan")

    def move_deadline():
        window.closes_at = datetime.datetime(2031, 7, 4, 16, tzinfo=datetime.UTC)
        window.save()

    _, after = around(move_deadline)
    assertContains(after, "Jul 4, 2031")


def test_each_organization_has_its_own_list(client, submitted, dashboard, reads):
    load, _ = dashboard
    assertContains(load(), submitted.tracking_number)

    other = organization_member(OrganizationKind.PAYER, "other_payer", "Another Health Plan")
    sign_in(client, other)
    response = client.get(reverse("accounts:organization_home"))

    assertNotContains(response, submitted.tracking_number)
    assertContains(response, "You have no determination requests yet.")
    assert len(reads) == 2


# The whole page, kept per viewer and address (decision 0040).


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("accounts:organization_home")).status_code == 200
    return len(captured)


def test_a_second_load_with_nothing_changed_runs_no_query(client, submitted, payer):
    sign_in(client, payer)
    assert dashboard_queries(client) > 0
    assert dashboard_queries(client) == 0


def test_a_new_member_of_the_organization_shows_on_the_next_load(submitted, payer, dashboard):
    _, around = dashboard
    before, after = around(lambda: MembershipFactory(organization=submitted.organization))
    assertContains(before, "1 member.")
    assertContains(after, "2 members.")


def test_joining_and_leaving_an_organization_show_on_the_next_load(submitted, payer, dashboard):
    _, around = dashboard
    other = OrganizationFactory(name="Second Health Plan")
    _, joined = around(lambda: Membership.objects.create(user=payer, organization=other))
    assertContains(joined, "Second Health Plan")

    _, left = around(lambda: Membership.objects.filter(user=payer, organization=submitted.organization).delete())
    assertNotContains(left, submitted.organization.name)
    assertNotContains(left, submitted.tracking_number)


def test_the_viewers_new_name_shows_on_the_next_load(submitted, payer, dashboard):
    _, around = dashboard

    def rename():
        payer.full_name = "Renamed Submitter"
        payer.save()

    _, after = around(rename)
    assertContains(after, "Welcome, Renamed")


def test_a_window_closing_by_the_clock_shows_on_the_next_load(submitted, clock, dashboard):
    load, _ = dashboard
    closed = "No submission window is open for your organizations right now."
    load()
    assertNotContains(load(), closed)

    clock.move_to(submitted.window.closes_at + datetime.timedelta(minutes=1))

    assertContains(load(), closed)


def test_a_performance_years_change_shows_on_the_next_load(submitted, dashboard):
    _, around = dashboard
    year = submitted.window.performance_year

    def renumber():
        year.year = 2041
        year.save()

    before, after = around(renumber)
    assertNotContains(before, ">2041<")
    assertContains(after, ">2041<")


def test_a_member_added_while_the_page_is_built_shows_on_the_next_load(
    submitted, dashboard, monkeypatch, django_capture_on_commit_callbacks
):
    """The race: the organization's token is read before its members are, so a page built from a
    count read just before a new member commits is kept under the token that the commit replaces."""
    load, _ = dashboard
    real = accounts_selectors.memberships_of

    def read_then_a_member_joins(user):
        rows = list(real(user))
        with django_capture_on_commit_callbacks(execute=True):
            MembershipFactory(organization=submitted.organization)
        return rows

    monkeypatch.setattr(accounts_selectors, "memberships_of", read_then_a_member_joins)
    assertContains(load(), "1 member.")
    monkeypatch.setattr(accounts_selectors, "memberships_of", real)

    assertContains(load(), "2 members.")
