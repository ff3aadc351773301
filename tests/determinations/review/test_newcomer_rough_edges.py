"""Issue 11, findings 5-8: what a newcomer tripped over in the review, the public list and the forms."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from determinations.forms.sections import SECTIONS_BY_KEY
from determinations.selectors.review import answer_changes, automatic_reasons
from determinations.services import submissions
from tests.factories import organization_member as member_of
from tests.factories.submissions import window_for
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# Finding 5 ------------------------------------------------------------------------------------


def test_a_single_edit_is_listed_once():
    before = {"financial_risk": {"maximum_loss_amount": "400000", "marginal_risk_rate": "40"}}
    after = {"financial_risk": {"maximum_loss_amount": "500000", "marginal_risk_rate": "40"}}
    changes = answer_changes(before, after)
    assert [(c.question, c.before, c.after) for c in changes] == [
        ("Most the APM Entity could owe or forgo in a year", "$400,000", "$500,000")
    ]


# Finding 6 ------------------------------------------------------------------------------------


def test_the_year_menu_starts_on_the_year_the_heading_shows(client, reference_data):
    page = client.get(reverse("apms:list")).content.decode()
    heading_year = re.search(r"<h1>Other Payer Advanced APMs for the (\d{4}) performance year</h1>", page).group(1)
    selected = re.search(r'<option value="(\d{4})"[^>]*selected', page)
    assert selected and selected.group(1) == heading_year


# Finding 7 ------------------------------------------------------------------------------------


def test_read_only_answers_read_as_words_and_amounts(client, submitted, payer):
    page = text(sign_in(client, payer).get(reverse("determinations:submission_detail", args=[submitted.pk])))
    assert "$10,000,000" in page and "10000000" not in page
    assert "40%" in page
    assert "(required to submit)" not in page
    assert " False " not in page and " True " not in page
    assert "Is the risk expressly defined as a share of revenue? No" in page


def test_the_reviewer_sees_each_citation_once(in_review, reviewer, client):
    page = text(sign_in(client, reviewer).get(reverse("determinations:review_detail", args=[in_review.pk])))
    citations = re.findall(r"\(42 CFR [^)]*\)[^(]{0,3}\(42 CFR", page)
    assert citations == []
    for result in in_review.criterion_results.all():
        for reason in automatic_reasons(result):
            assert not (reason["citation"] and reason["citation"] in reason["text"])


# Finding 8 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "full_name,short", [("Dr. Casey", "Casey"), ("Dr. Casey Clinician", "Casey"), ("Dr.", "Dr."), ("", "x@y.example")]
)
def test_a_title_is_not_taken_for_a_first_name(full_name, short):
    assert User(email="x@y.example", full_name=full_name).get_short_name() == short


def test_contact_answers_start_from_the_account(reference_data, clock, client):
    member = member_of("payer", "other_payer", "Test Commercial Health Plan")
    member.full_name = "Jordan Submitter"
    member.save()
    window = window_for(member.memberships.get().organization)
    draft = submissions.submission_start(
        actor=member, organization=member.memberships.get().organization, window=window, arrangement_name="Plan"
    )
    form = SECTIONS_BY_KEY["contact"](submission=draft)
    assert form.initial["submitter_name"] == "Jordan Submitter"
    assert form.initial["submitter_email"] == member.email
    page = sign_in(client, member).get(reverse("determinations:submission_section", args=[draft.pk, "contact"]))
    assert f'value="{member.email}"' in page.content.decode()


def test_favicon_ico_leads_to_the_icon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/uswds/img/favicons/favicon.ico"
    assert finders.find("uswds/img/favicons/favicon.ico")
