"""The Content Security Policy has no 'unsafe-inline', and key pages, the admin's included, break none of it.

Chromium reports each refused inline script or style, or any other blocked resource, on the
console ("Refused to ..."); the test collects those and the page's ``securitypolicyviolation`` events.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from determinations.models import PerformanceYear
from tests.e2e.test_pages_accessible import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIOLATIONS_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)


@pytest.fixture
def watched_page(page):
    """The page, with every CSP report from the browser collected in ``page.csp_reports``."""
    reports = []
    page.on(
        "console", lambda message: reports.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.add_init_script(VIOLATIONS_SCRIPT)
    page.csp_reports = reports
    return page


def _visit(page, path):
    response = page.goto(path)
    page.wait_for_load_state("load")
    assert response.status < 500, path
    header = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in header and "style-src 'self'" in header, (path, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (path, header)
    events = page.evaluate("window.__cspViolations || []")
    assert page.csp_reports == [] and events == [], (path, page.csp_reports, events)


def test_public_and_organization_pages_break_no_policy(watched_page, demo):
    for path in ["/", "/accounts/login/", "/accounts/password_reset/", "/no-such-page/"]:
        _visit(watched_page, path)
    sign_in(watched_page, "payer.admin@demo.example")
    watched_page.wait_for_url("**/dashboard/")
    for path in ["/dashboard/", "/accounts/profile/", "/requests/new/"]:
        _visit(watched_page, path)


def test_staff_pages_and_the_admin_break_no_policy(watched_page, demo):
    sign_in(watched_page, "admin@demo.example", staff=True)
    watched_page.wait_for_url("**/program/")
    year = PerformanceYear.objects.order_by("-year").first()
    paths = [
        "/program/",
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:determinations_performanceyear_change", args=[year.pk]),
        reverse("admin:auditlog_logentry_changelist"),
        reverse("admin:otp_totp_totpdevice_changelist"),
    ]
    for path in paths:
        _visit(watched_page, path)


def test_the_review_pages_break_no_policy(watched_page, demo):
    sign_in(watched_page, "lead@demo.example", staff=True)
    watched_page.wait_for_url("**/review/lead/")
    for path in ["/review/lead/", "/review/"]:
        _visit(watched_page, path)


def test_the_watch_sees_a_refused_inline_script(watched_page, live_server):
    """The check above would notice: an inline script added to a served page is refused and reported."""
    watched_page.goto("/", timeout=60_000)
    watched_page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.ranInline = true;";
        document.body.appendChild(script);
    }"""
    )
    watched_page.wait_for_function("window.__cspViolations.length > 0")
    assert watched_page.evaluate("window.ranInline === undefined")
    assert any("script-src" in text for text in watched_page.csp_reports)
