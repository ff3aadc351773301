"""A reviewer's own saved views of the queue: save the filters shown, list them, rename, delete."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from determinations.models import SavedQueueView
from determinations.services.saved_views import MAX_VIEWS_PER_OWNER
from determinations.states import SubmissionStatus
from tests.support import sign_in

from .queue_support import QUEUE_URL, another_reviewer, make_submission, payer, queue_url, tracking_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

SAVE_URL = reverse("determinations:review_view_save")


def rename_url(view) -> str:
    return reverse("determinations:review_view_rename", args=[view.pk])


def delete_url(view) -> str:
    return reverse("determinations:review_view_delete", args=[view.pk])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_reviewer_saves_the_filters_shown_and_finds_the_view_beside_the_built_in_ones(client, reviewer):
    medicaid = make_submission(payer("Kappa State Medicaid", "medicaid"), name="Kappa Homes")
    make_submission(payer("Lambda Health Plan", "medicare_health_plan"), name="Lambda Risk")
    sign_in(client, reviewer)
    page = client.get(queue_url(payer_type="medicaid", page="1", q=""))
    shown = page.context["filters_query"]
    assert shown == "payer_type=medicaid"
    assertContains(page, f'<input type="hidden" name="query" value="{shown}">', html=True)

    response = client.post(SAVE_URL, {"name": "  Medicaid   only ", "query": shown})

    view = SavedQueueView.objects.get(owner=reviewer)
    assert (view.name, view.query) == ("Medicaid only", "payer_type=medicaid")
    assert response.status_code == 302 and response["Location"] == queue_url(payer_type="medicaid")
    assert said(response) == ["Saved the view “Medicaid only”."]
    listed = client.get(response["Location"])
    assert tracking_numbers(listed) == [medicaid.tracking_number]
    assertContains(
        listed,
        f'<a class="portal-tab portal-tab--own" href="{QUEUE_URL}?payer_type=medicaid" aria-current="page">'
        "Medicaid only</a>",
        html=True,
    )
    assertContains(client.get(QUEUE_URL), "Mine, due soonest")


def test_views_are_the_owners_alone(client, reviewer, review_lead):
    other = another_reviewer()
    theirs = SavedQueueView.objects.create(owner=other, name="Robin's view", query="status=all")
    sign_in(client, reviewer)

    assertNotContains(client.get(QUEUE_URL), "Robin&#x27;s view")
    assert client.post(rename_url(theirs), {"name": "Taken over"}).status_code == 404
    assert client.post(delete_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Robin's view"


def test_rename_and_delete(client, reviewer):
    view = SavedQueueView.objects.create(owner=reviewer, name="Old name", query="unassigned=on")
    sign_in(client, reviewer)

    renamed = client.post(rename_url(view), {"name": "Nobody's yet", "next": queue_url(unassigned="on")})
    view.refresh_from_db()
    assert view.name == "Nobody's yet" and view.query == "unassigned=on"
    assert renamed["Location"] == queue_url(unassigned="on")

    deleted = client.post(delete_url(view))
    assert said(deleted) == ["Renamed the view to “Nobody's yet”.", "Deleted the view “Nobody's yet”."]
    assert not SavedQueueView.objects.exists()


@pytest.mark.parametrize(
    "name,message",
    [
        ("", "Give the view a name."),
        ("x" * 61, "Keep the name to 60 characters or fewer."),
        ("overdue", "“overdue” is one of the built-in views. Choose another name."),
        ("MINE  only", "You already have a view called “MINE only”. Choose another name or rename that one."),
    ],
)
def test_a_refused_name_says_why_and_saves_nothing(client, reviewer, name, message):
    SavedQueueView.objects.create(owner=reviewer, name="Mine only", query="mine=on")
    sign_in(client, reviewer)

    response = client.post(SAVE_URL, {"name": name, "query": "status=all"})

    assert response.status_code == 302 and response["Location"] == QUEUE_URL
    assert said(response) == [message]
    assert list(SavedQueueView.objects.values_list("name", flat=True)) == ["Mine only"]


def test_renaming_onto_another_view_is_refused(client, reviewer):
    SavedQueueView.objects.create(owner=reviewer, name="First", query="mine=on")
    second = SavedQueueView.objects.create(owner=reviewer, name="Second", query="status=all")
    sign_in(client, reviewer)

    response = client.post(rename_url(second), {"name": "first"})

    assert said(response) == ["You already have a view called “first”. Choose another name or rename that one."]
    second.refresh_from_db()
    assert second.name == "Second"


def test_only_the_queue_filters_are_kept(client, reviewer):
    sign_in(client, reviewer)

    client.post(SAVE_URL, {"name": "Odd", "query": "status=all&page=4&next=//evil.example&sort=-due&q="})

    assert SavedQueueView.objects.get().query == "status=all&sort=-due"


def test_a_reviewer_keeps_at_most_twenty_views(client, reviewer):
    for number in range(MAX_VIEWS_PER_OWNER):
        SavedQueueView.objects.create(owner=reviewer, name=f"View {number}", query="")
    sign_in(client, reviewer)

    response = client.post(SAVE_URL, {"name": "One more", "query": ""})

    assert said(response) == ["You have 20 saved views already. Delete one to save another."]
    assert SavedQueueView.objects.count() == MAX_VIEWS_PER_OWNER


@pytest.mark.parametrize("role", ["payer_submitter", "program_admin"])
def test_only_reviewers_and_leads_save_views(client, request, role, reviewer):
    view = SavedQueueView.objects.create(owner=reviewer, name="Mine", query="mine=on")
    sign_in(client, request.getfixturevalue(role))

    for url in (SAVE_URL, rename_url(view), delete_url(view)):
        assert client.post(url, {"name": "Stolen"}).status_code == 403
    assert client.get(SAVE_URL).status_code in (403, 405)
    assert SavedQueueView.objects.get().name == "Mine"


def test_saving_takes_only_posts(client, reviewer):
    sign_in(client, reviewer)
    assert client.get(SAVE_URL).status_code == 405


def test_a_lead_sees_the_status_of_an_awaiting_view_unchanged(client, review_lead):
    make_submission(payer("Nu Payer"), status=SubmissionStatus.RECOMMENDED)
    sign_in(client, review_lead)
    client.post(SAVE_URL, {"name": "To decide", "query": "status=recommended"})
    assertContains(client.get(QUEUE_URL), f'href="{QUEUE_URL}?status=recommended">To decide</a>')
