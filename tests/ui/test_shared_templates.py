"""The templates several pages share: the receipt, the blocking problems of a review step, the form that needs an
open window, and the standalone error pages; and the crispy-forms helper of every form. Each page that uses
them says its own part."""

import datetime
import re
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from ui.form_buttons import form_buttons, submit_button

SENT = datetime.datetime(2026, 11, 20, 15, 30, tzinfo=datetime.UTC)


def _html(template: str, **context) -> str:
    return " ".join(render_to_string(template, context, request=RequestFactory().get("/")).split())


def _text(html: str) -> str:
    """What a person reads: the words, each tag a space."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _sent(**fields):
    return SimpleNamespace(
        pk=7,
        tracking_number="OPA-2026-AP-ABCD2345",
        submitted_at=SENT,
        organization=SimpleNamespace(name="Test ACO"),
        attestation={"name": "Ada Lovelace", "title": "CFO"},
        **fields,
    )


def test_each_receipt_names_what_was_received_its_rows_and_its_page():
    request = _sent(
        arrangement_name="Shared Savings Plus",
        arrangement=SimpleNamespace(payer_name="Acme Health"),
        get_process_display="Payer Initiated",
        years=[2026, 2027],
    )
    all_payer = _sent(performance_year=SimpleNamespace(year=2026), get_level_display="APM Entity")
    received = timezone.localtime(SENT).strftime("%B %-d, %Y")

    html = _html("determinations/submission_receipt.html", submission=request)
    page = _text(html)
    assert "CMS received your request" in page and "Keep this tracking number: OPA-2026-AP-ABCD2345" in page
    assert f"Received {received}" in page and "Payer Acme Health" in page and "Attested by Ada Lovelace, CFO" in page
    assert "The request is now read-only" in page
    assert 'href="/requests/7/">View the request</a>' in html

    html = _html("determinations/all_payer/receipt.html", submission=all_payer)
    page = _text(html)
    assert "CMS received your All-Payer QP data" in page and f"Received {received}" in page
    assert "Level requested APM Entity" in page and "Certified by Ada Lovelace, CFO" in page
    assert "QP determinations of 2026" in page and "Attested by" not in page
    assert 'href="/all-payer-qp/7/">View what was sent</a>' in html


def test_the_blocking_problems_are_counted_and_each_links_to_its_step():
    problems = [
        SimpleNamespace(section_title="Contact", url="/a/", message="Missing: your title"),
        SimpleNamespace(section_title="Documents", url="/b/", message="Missing: the contract"),
    ]
    html = _html("determinations/_blocking_problems.html", problems=problems)
    assert "2 things must be fixed before you can submit" in _text(html)
    assert 'Contact: <a href="/a/">Missing: your title</a>' in html
    assert _text(_html("determinations/_blocking_problems.html", problems=[])) == ""


def test_the_form_shows_only_while_a_window_is_open():
    closed = _html("determinations/_window_form.html", windows=[], form=None, window_name="Medicaid submission")
    assert _text(closed) == "No Medicaid submission window is open now."
    assert "<form" not in closed


def test_the_standalone_error_pages_say_their_own_title_heading_and_message():
    html = _html("errors/413.html", message="The file is larger than 25 MB.")
    assert html.startswith("<!DOCTYPE html>") and "<title>Too large to send | QPP Portal</title>" in html
    assert "<h1>Not sent: too large</h1>" in html and "The file is larger than 25 MB." in html
    html = _html("errors/500.html")
    assert "<title>Something went wrong | QPP Portal</title>" in html and "Nothing you saved" in html


def test_the_form_helper_leaves_the_form_tag_to_the_template_and_may_leave_the_csrf_token_too():
    helper = submit_button("Send", css_class="usa-button--outline")
    assert (helper.form_tag, helper.disable_csrf) == (False, False)
    [button] = helper.inputs
    assert (button.name, button.value, "usa-button--outline" in button.field_classes) == ("submit", "Send", True)
    helper = form_buttons(csrf=False)
    assert (helper.inputs, helper.disable_csrf) == ([], True)
