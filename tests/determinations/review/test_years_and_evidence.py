"""The reviewer sees participants, cited pages and each year's check; the lead may approve fewer years."""

import pytest
from django.urls import reverse

from determinations.models import Determination
from determinations.selectors.participants import determination_covers
from determinations.services import review
from determinations.states import SubmissionStatus
from determinations.workflow import TransitionRefused
from tests.factories import SubmissionFactory
from tests.factories.submissions import recommended
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_years(reference_data, clock, media, payer, reviewer):
    return SubmissionFactory(member=payer, years=3, state=SubmissionStatus.IN_REVIEW, reviewer=reviewer)


def test_reviewer_sees_participants_citations_and_the_check_of_each_year(client, three_years, reviewer):
    document = three_years.documents.first()  # the factory cites it: CEHRT p. 3, quality p. 4, risk p. 5
    sign_in(client, reviewer)
    page = client.get(reverse("determinations:review_detail", args=[three_years.pk])).content.decode()
    assert "Riverside Primary Care" in page and "123456789" in page and "1234567893" in page
    assert "2 APM Entities, 3 clinicians" in page
    link = reverse("determinations:document_download", args=[three_years.pk, document.pk]) + "?inline=1#page=5"
    assert link in page
    assert "Automatic check in each requested year" in page
    for year in (2027, 2028, 2029):
        assert f'<th scope="row">{year}</th>' in page
    assert "Not checked: CMS has not set the 2029 parameters" in page


def test_lead_approves_two_of_three_years_with_a_reason(client, three_years, reviewer, review_lead):
    recommended(three_years, reviewer)
    sign_in(client, review_lead)
    url = reverse("determinations:review_decide", args=[three_years.pk])
    response = client.post(url, {"decision": "approve", "years": ["2027", "2028"]})
    assert response.status_code == 400
    assert "Say why fewer years are approved than were asked for." in response.content.decode()
    response = client.post(url, {"decision": "approve", "years": ["2027", "2029"], "years_reason": "x"})
    assert "Approve consecutive years" in response.content.decode()
    response = client.post(
        url, {"decision": "approve", "years": ["2027", "2028"], "years_reason": "The 2029 rules are not final."}
    )
    assert response.status_code == 302
    determination = Determination.objects.get(submission=three_years)
    assert (determination.first_year, determination.last_year) == (2027, 2028)
    assert determination.years_reason == "The 2029 rules are not final."
    event = three_years.events.get(event_type="approve")
    assert event.payload["years"] == [2027, 2028]


def test_the_guard_refuses_years_not_asked_for(three_years, reviewer, review_lead):
    recommended(three_years, reviewer)
    with pytest.raises(TransitionRefused, match="2030 was not asked for"):
        review.decision_make(
            submission_id=three_years.pk, actor=review_lead, decision="approve", years=[2029, 2030], years_reason="r"
        )
    review.decision_make(submission_id=three_years.pk, actor=review_lead, decision="approve")
    determination = Determination.objects.get(submission=three_years)
    assert (determination.first_year, determination.last_year, determination.years_reason) == (2027, 2029, "")


def test_a_determination_says_whom_it_covers(three_years, reviewer, review_lead):
    recommended(three_years, reviewer)
    review.decision_make(submission_id=three_years.pk, actor=review_lead, decision="approve")
    covered = determination_covers(Determination.objects.get(submission=three_years))
    assert [(e.tin, e.entity_identifier, e.npis) for e in covered] == [
        ("123456789", "ENT-001", ("1234567893", "1245319599")),
        ("987654321", "ENT-002", ("1003000126",)),
    ]
