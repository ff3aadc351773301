"""The public list of Other Payer Advanced APMs: only approved, current determinations, by year and payer type."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from determinations.selectors.public_list import cached_published_page
from determinations.services import review
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory, organization_member
from tests.factories import submissions as steps

pytestmark = pytest.mark.django_db


LIST_URL = reverse("apms:list")


@pytest.fixture
def decided(reference_data, clock, media, payer, reviewer, review_lead):
    """Approved (3 years, commercial), approved then reopened, rejected, in review, and a Medicaid approval."""
    medicaid = organization_member("payer", "medicaid", "Test State Medicaid Agency")

    def make(member, name, **extra):
        return SubmissionFactory(member=member, name=name, **extra, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)

    steps.approved(make(payer, "Shared Risk Program", years=3), reviewer, review_lead)
    reopened = make(payer, "Reopened Program")
    steps.approved(reopened, reviewer, review_lead)
    review.decision_reopen(submission_id=reopened.pk, actor=review_lead, reason="Amended")
    rejected = make(payer, "Rejected Program")
    steps.recommended(rejected, reviewer, recommendation="reject", overrides={"cehrt": "does_not_meet"})
    review.decision_make(
        submission_id=rejected.pk, actor=review_lead, decision="reject", unmet=[{"criterion": "cehrt", "reason": "No"}]
    )
    make(payer, "Pending Program")
    steps.approved(make(medicaid, "Medicaid Health Home", payer_type="medicaid"), reviewer, review_lead)


def test_only_approved_current_determinations_are_listed(client, decided):
    page = client.get(LIST_URL, {"year": 2027}).content.decode()
    assert "Shared Risk Program" in page and "Medicaid Health Home" in page
    for hidden in ("Reopened Program", "Rejected Program", "Pending Program"):
        assert hidden not in page
    assert "2 Other Payer Advanced APMs for 2027" in page


def test_anyone_can_open_it_and_it_defaults_to_this_years_list(client, decided):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "for the 2026 performance year" in page and "Shared Risk Program" not in page
    assert '<option value="2029">2029</option>' in page  # the multi-year determination's last year


def test_the_year_filter_follows_the_effective_years(client, decided):
    assert "Shared Risk Program" in client.get(LIST_URL, {"year": 2029}).content.decode()
    page_2028 = client.get(LIST_URL, {"year": 2028}).content.decode()
    assert "Shared Risk Program" in page_2028 and "Medicaid Health Home" not in page_2028
    assert "Shared Risk Program" not in client.get(LIST_URL, {"year": 2026}).content.decode()


def test_the_payer_type_filter(client, decided):
    page = client.get(LIST_URL, {"year": 2027, "payer_type": "medicaid"}).content.decode()
    assert "Medicaid Health Home" in page and "Shared Risk Program" not in page


def test_csv_download(client, decided):
    response = client.get(reverse("apms:list_csv"), {"year": 2027, "payer_type": "other_payer"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "other-payer-advanced-apms-2027.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["arrangement"], r["payer_type"], r["first_year"], r["last_year"]) for r in rows] == [
        ("Shared Risk Program", "other_payer", "2027", "2029")
    ]


def test_json_download(client, decided):
    data = json.loads(b"".join(client.get(reverse("apms:list_json"), {"year": 2027}).streaming_content))
    assert data["performance_year"] == 2027 and data["payer_type"] is None and data["count"] == 2
    assert {row["arrangement"] for row in data["apms"]} == {"Shared Risk Program", "Medicaid Health Home"}
    assert set(data["apms"][0]) == {
        "arrangement",
        "payer",
        "payer_type",
        "payer_type_label",
        "first_year",
        "last_year",
        "determined_on",
    }


@pytest.mark.parametrize("name", ["apms:list", "apms:list_csv", "apms:list_json"])
def test_unknown_filters_are_a_400(client, reference_data, name):
    assert client.get(reverse(name), {"year": "1999"}).status_code == 400
    assert client.get(reverse(name), {"year": "2027", "payer_type": "dental"}).status_code == 400


def test_the_page_queries_do_not_grow_with_rows(client, reference_data, clock, media, payer, reviewer, review_lead):
    def count():
        cache.clear()  # the rendering's queries, not the cached page's
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST_URL, {"year": 2027})
        return len(queries)

    steps.approved(
        SubmissionFactory(member=payer, name="A", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer),
        reviewer,
        review_lead,
    )
    few = count()
    for name in ("B", "C", "D"):
        submission = SubmissionFactory(member=payer, name=name, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
        steps.approved(submission, reviewer, review_lead)
    assert count() == few


def test_the_page_is_served_from_the_cache_until_the_next_decision(
    client,
    reference_data,
    clock,
    media,
    payer,
    reviewer,
    review_lead,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    SubmissionFactory(member=payer, name="A", state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=review_lead)
    assert "A" in client.get(LIST_URL, {"year": 2027}).context["rows"][0]["arrangement"]

    with django_assert_num_queries(0):
        cached = client.get(LIST_URL, {"year": 2027})
    assert cached.status_code == 200 and b"1 Other Payer Advanced APM for 2027" in cached.content

    second = SubmissionFactory(member=payer, name="Second Program", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        steps.approved(second, reviewer, review_lead)
    assert b"Second Program" in client.get(LIST_URL, {"year": 2027}).content

    with django_capture_on_commit_callbacks(execute=True):
        review.decision_reopen(submission_id=second.pk, actor=review_lead, reason="Amended")
    assert b"Second Program" not in client.get(LIST_URL, {"year": 2027}).content


def test_a_page_built_before_a_decision_commits_is_not_used_after_it(
    client, reference_data, clock, media, payer, reviewer, review_lead, django_capture_on_commit_callbacks
):
    """A request that read the rows before the decision committed keeps its page after; it must not be used."""
    late = SubmissionFactory(member=payer, name="Late Program", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)
    stale = client.get(LIST_URL, {"year": 2027}).content
    seen_before = cached_published_page(QueryDict("year=2027"))

    with django_capture_on_commit_callbacks() as commit:
        steps.approved(late, reviewer, review_lead)
    seen_before.keep(stale, 600)
    for callback in commit:
        callback()

    assert b"Late Program" in client.get(LIST_URL, {"year": 2027}).content


def test_signed_in_visitors_get_the_page_rendered_for_them(client, decided, payer):
    client.get(LIST_URL, {"year": 2027})
    client.force_login(payer)

    assert b"Sign out" in client.get(LIST_URL, {"year": 2027}).content


def test_downloads_stream_and_defuse_formulas(client, reference_data, clock, media, payer, reviewer, review_lead):
    formula = "=HYPERLINK(1)"
    SubmissionFactory(member=payer, name=formula, state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=review_lead)

    csv_response = client.get(reverse("apms:list_csv"), {"year": 2027})
    json_response = client.get(reverse("apms:list_json"), {"year": 2027})

    assert csv_response.streaming and json_response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(csv_response.streaming_content).decode())))
    assert rows[0]["arrangement"] == f"'{formula}"
    data = json.loads(b"".join(json_response.streaming_content))
    assert data["count"] == 1 and data["apms"][0]["arrangement"] == formula


def test_the_page_is_paged_and_the_downloads_hold_every_row(client, decided, monkeypatch):
    monkeypatch.setattr("determinations.views.public.PAGE_SIZE", 1)

    first = client.get(LIST_URL, {"year": 2027})
    second = client.get(LIST_URL, {"year": 2027, "page": 2})

    assert len(first.context["rows"]) == len(second.context["rows"]) == 1
    assert first.context["rows"] != second.context["rows"]
    assertContains(first, "2 Other Payer Advanced APMs for 2027 (page 1 of 2)")
    assertContains(first, 'href="?year=2027&amp;page=2"')
    data = json.loads(b"".join(client.get(reverse("apms:list_json"), {"year": 2027, "page": 2}).streaming_content))
    assert data["count"] == 2
