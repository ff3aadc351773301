"""The review queue in Chromium: a reviewer filters, claims and declares a conflict; a lead assigns.

axe runs on every page and after every action (the messages and error states included).
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import demo_accounts_load
from accounts.models import User
from determinations.models import Submission
from determinations.states import SubmissionStatus
from tests.determinations.review.queue_support import make_submission, payer
from tests.factories import SubmissionFactory, organization_member

from .test_pages_accessible import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(transactional_db):
    call_command("load_reference_data", verbosity=0)
    demo_accounts_load()  # accounts only: these tests count their own requests
    medicaid = payer("Queue State Medicaid", "medicaid")
    plan = payer("Queue Health Plan", "medicare_health_plan")
    return {
        "first": make_submission(medicaid, name="Queue Health Homes", due_in_days=3),
        "second": make_submission(plan, name="Queue Advantage Risk", due_in_days=-2, precheck="needs_review"),
        "third": make_submission(plan, name="Queue Decided", status=SubmissionStatus.APPROVED),
    }


def test_a_reviewer_filters_claims_and_declares_a_conflict(page, assert_accessible, queue):
    sign_in(page, "reviewer@demo.example", staff=True)
    page.wait_for_url("**/review/")
    assert page.locator("h1").inner_text() == "Review queue"
    assert_accessible(page)

    page.get_by_text("More filters").click()
    page.get_by_label("Payer type").select_option("medicare_health_plan")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**payer_type=medicare_health_plan**")
    assert page.get_by_role("link", name=queue["second"].tracking_number).count() == 1
    assert page.get_by_role("link", name=queue["first"].tracking_number).count() == 0
    assert_accessible(page)

    page.goto("/review/?due_within=soon")  # a hand-edited bookmark
    assert page.locator(".usa-error-message").count() == 1
    assert_accessible(page)

    page.goto("/review/?status=all")
    page.get_by_role("button", name=f"Claim {queue['first'].tracking_number}").click()
    assert page.get_by_text(f"{queue['first'].tracking_number} is assigned to you.").count() == 1
    assert_accessible(page)

    page.goto(f"/review/requests/{queue['first'].pk}/conflict/")
    assert_accessible(page)
    page.get_by_role("button", name="Declare the conflict").click()
    assert page.get_by_text("Describe the conflict of interest.").count() >= 1
    assert_accessible(page)
    page.get_by_label("What is the conflict of interest?").fill("I advised this agency last year.")
    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Declare the conflict").click()
    page.wait_for_url("**/review/")
    assert page.get_by_text("You are recused from every request of Queue State Medicaid.").count() == 1
    assert_accessible(page)
    assert Submission.objects.get(pk=queue["first"].pk).assignee is None


def test_a_lead_sees_workload_and_assigns_the_ticked_requests(page, assert_accessible, queue):
    sign_in(page, "lead@demo.example", staff=True)
    page.wait_for_url("**/review/lead/")
    assert_accessible(page)
    reviewer = User.objects.get(email="reviewer@demo.example")
    assert page.get_by_role("row", name=reviewer.full_name).count() == 1

    page.get_by_role("link", name="Open the review queue").click()
    page.wait_for_url("**/review/")
    assert_accessible(page)
    page.locator(f"label[for=pick-{queue['first'].pk}]").click()
    page.locator(f"label[for=pick-{queue['second'].pk}]").click()
    assert page.get_by_label(f"Tick {queue['first'].tracking_number}").is_checked()
    assert page.get_by_label(f"Tick {queue['second'].tracking_number}").is_checked()
    page.get_by_label("Assign the ticked requests to").select_option(str(reviewer.pk))
    page.get_by_role("button", name="Assign the ticked requests").click()
    assert page.get_by_text(f"Assigned 2 requests to {reviewer}.").count() == 1
    assert_accessible(page)
    assert Submission.objects.filter(assignee=reviewer).count() == 2

    page.goto("/review/lead/")
    assert page.get_by_role("link", name=f"2 open requests of {reviewer.full_name}").count() == 1
    page.goto("/review/?status=all")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these 3 requests as CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(submission.tracking_number in exported for submission in queue.values())


# The page must not scroll sideways, and no table may reach past the screen or sit in a scrolling box.
SIDEWAYS_SCROLL = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX);
  const wide = [...document.querySelectorAll("table")].filter((table) => {
    let box = table.parentElement;
    while (box && !scrolls(box)) box = box.parentElement;
    return table.getBoundingClientRect().right > width + 1 || (box && box.scrollWidth > box.clientWidth + 1);
  });
  return {page: document.documentElement.scrollWidth > width + 1, tables: wide.length};
}"""


@pytest.fixture
def renewal(queue, settings, tmp_path):
    """An approved request and its renewal, made through the services."""
    settings.MEDIA_ROOT = tmp_path
    reviewer = User.objects.get(email="reviewer@demo.example")
    lead = User.objects.get(email="lead@demo.example")
    member = organization_member("payer", "other_payer", "Renewal Health Plan")
    source = SubmissionFactory(
        member=member, name="Renewal Program", state=SubmissionStatus.APPROVED, reviewer=reviewer, lead=lead
    )
    renewed = SubmissionFactory(
        member=member, name="Renewal Program Plus", state=SubmissionStatus.IN_REVIEW, reviewer=reviewer
    )
    Submission.objects.filter(pk=renewed.pk).update(copied_from=source)
    return renewed


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_workbench_fits_the_screen_and_passes_axe(page, assert_accessible, queue, renewal, width, height):
    for index in range(12):
        make_submission(
            payer(f"A payer with a rather long organization name number {index}", "medicaid"),
            name=f"An arrangement whose name is long enough to wrap in a narrow column {index}",
            due_in_days=index - 3,
        )
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "lead@demo.example", staff=True)
    page.wait_for_url("**/review/lead/")
    reviewer = User.objects.get(email="reviewer@demo.example")
    recommended = SubmissionFactory(
        member=organization_member("payer", "other_payer", "Decision Health Plan"),
        name="Decision Program",
        state=SubmissionStatus.RECOMMENDED,
        reviewer=reviewer,
    )
    renewal_page = f"/review/requests/{renewal.pk}/"
    for path in (
        "/review/lead/",
        "/review/",
        "/review/?status=all&sort=-organization",
        "/review/?due_within=0",
        "/review/?status=recommended",
        renewal_page,
        f"/review/requests/{recommended.pk}/",
        f"/review/requests/{recommended.pk}/decide/",
        f"/review/requests/{queue['first'].pk}/conflict/",
    ):
        page.goto(path)
        assert page.evaluate(SIDEWAYS_SCROLL) == {"page": False, "tables": 0}, path
        assert_accessible(page)
        if path == renewal_page:
            assert page.get_by_role("heading", name="What changed since the approved version").count() == 1


def test_a_lead_ticks_every_row_from_the_keyboard(page, queue):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "lead@demo.example", staff=True)
    page.wait_for_url("**/review/lead/")
    page.goto("/review/")

    page.locator("#pick-all").focus()
    page.keyboard.press("Space")

    boxes = page.locator("input[name=submissions]")
    assert boxes.count() == 2
    assert all(boxes.nth(index).is_checked() for index in range(boxes.count()))
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def focus_visible(page) -> bool:
    """The focused element shows a focus ring (an outline or a box shadow)."""
    return page.evaluate(
        """() => { const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== "none" || style.boxShadow !== "none"; }"""
    )


def test_a_reviewer_claims_and_saves_a_view_from_the_keyboard(page, assert_accessible, queue):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "reviewer@demo.example", staff=True)
    page.wait_for_url("**/review/")

    claim = page.get_by_role("button", name=f"Claim {queue['first'].tracking_number}")
    claim.focus()
    assert focus_visible(page)
    page.keyboard.press("Enter")
    page.get_by_text(f"{queue['first'].tracking_number} is assigned to you.").wait_for()
    assert Submission.objects.get(pk=queue["first"].pk).assignee.email == "reviewer@demo.example"

    page.goto("/review/?payer_type=medicare_health_plan&sort=-submitted")
    summary = page.locator("summary", has_text="Save these filters as a view")
    summary.focus()
    assert focus_visible(page)
    page.keyboard.press("Enter")
    page.get_by_label("Name of the new view").focus()
    assert focus_visible(page)
    page.keyboard.type("Health plans, newest")
    page.keyboard.press("Enter")
    page.get_by_text("Saved the view “Health plans, newest”.").wait_for()
    own = page.get_by_role("link", name="Health plans, newest")
    assert own.get_attribute("aria-current") == "page"
    assert page.get_by_role("link", name=queue["second"].tracking_number).count() == 1
    assert page.get_by_role("link", name=queue["first"].tracking_number).count() == 0
    assert_accessible(page)

    page.goto("/review/")
    page.get_by_role("link", name="Health plans, newest").click()
    page.wait_for_url("**payer_type=medicare_health_plan**")
    page.locator("summary", has_text="rename and delete your views").click()
    assert_accessible(page)
    page.get_by_label("Rename “Health plans, newest”").fill("Plans")
    page.get_by_role("button", name="Rename “Health plans, newest”").click()
    page.get_by_text("Renamed the view to “Plans”.").wait_for()
    page.locator("summary", has_text="rename and delete your views").click()
    page.get_by_role("button", name="Delete “Plans”").click()
    page.get_by_text("Deleted the view “Plans”.").wait_for()
    assert page.get_by_role("link", name="Plans", exact=True).count() == 0
    assert_accessible(page)


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_lead_home_lists_what_waits(page, assert_accessible, queue, width, height):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "lead@demo.example", staff=True)
    page.wait_for_url("**/review/lead/")

    unassigned = page.get_by_role("region", name="Unassigned (2)")
    assert unassigned.get_by_role("link", name=queue["first"].tracking_number).count() == 1
    assert unassigned.get_by_role("link", name=queue["second"].tracking_number).count() == 1
    assert page.get_by_role("region", name="Awaiting your decision (0)").get_by_text("Nothing awaits").count() == 1
    assert page.evaluate(SIDEWAYS_SCROLL) == {"page": False, "tables": 0}
    assert_accessible(page)
