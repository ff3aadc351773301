"""Every page a person can reach so far renders with the USWDS banner and passes axe.

The journeys sign in by typing and clicking, as a person would, staff with a one-time code.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, demo_totp_code
from accounts.models import Invitation, Organization, User
from accounts.services import invitation_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = [
    "/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/no-such-page/",
]


def sign_in(page, email, *, staff=False):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if staff:
        page.wait_for_url("**/accounts/mfa/verify/**")
        page.get_by_label("6-digit code").fill(demo_totp_code(email))
        page.get_by_role("button", name="Verify").click()


@pytest.fixture
def demo(transactional_db):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)


def test_public_pages(page, assert_accessible, live_server):
    for path in PUBLIC_PATHS:
        page.goto(path)
        assert_accessible(page)
    assert "Page not found" in page.content()


def test_sign_in_errors_are_announced_and_accessible(page, assert_accessible, demo):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("payer.admin@demo.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize(
    "email,home_heading,paths",
    [
        ("payer.admin@demo.example", "Welcome", ["/dashboard/", "/accounts/profile/", "/accounts/password_change/"]),
        ("clinician@demo.example", "Welcome", ["/dashboard/"]),
    ],
)
def test_organization_pages(page, assert_accessible, demo, email, home_heading, paths):
    sign_in(page, email)
    page.wait_for_url("**/dashboard/")
    assert home_heading in page.locator("h1").inner_text()
    assert_accessible(page)
    organization = Organization.objects.filter(memberships__user__email=email).get()
    for path in [*paths, f"/organizations/{organization.pk}/", f"/organizations/{organization.pk}/invite/"]:
        page.goto(path)
        if path.endswith("/invite/") and "Access" in page.title():
            continue
        assert_accessible(page)
    page.goto("/review/")
    assert "You do not have access" in page.content()
    assert_accessible(page)


@pytest.mark.parametrize(
    "email,home_path,paths",
    [
        ("reviewer@demo.example", "/review/", []),
        ("lead@demo.example", "/review/lead/", ["/organizations/"]),
        (
            "admin@demo.example",
            "/program/",
            ["/organizations/", "/accounts/invitations/staff/new/", "/program/messages/"],
        ),
    ],
)
def test_staff_pages(page, assert_accessible, demo, email, home_path, paths):
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in(page, email, staff=True)
    page.wait_for_url(f"**{home_path}")
    assert_accessible(page)
    for path in paths:
        page.goto(path)
        assert_accessible(page)


def test_staff_invitation_then_mfa_setup(page, assert_accessible, demo):
    """A new reviewer accepts an invitation, sets a password, then must set up an authenticator."""
    inviter = User.objects.get(email="admin@demo.example")
    _, token = invitation_create(invited_by=inviter, email="new.reviewer@example.gov", staff_role="reviewer")
    page.goto(f"/accounts/invitations/{token}/")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Nia New-Reviewer")
    page.get_by_label(re.compile(r"^Password\W*$")).fill("a-long-unusual-passphrase-42")
    page.get_by_label(re.compile(r"^Password again")).fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/accounts/mfa/setup/**")
    assert page.locator("img.portal-qr").count() == 1
    assert_accessible(page)
    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    assert page.get_by_text("did not match").count() >= 1
    assert_accessible(page)


def test_expired_invitation_page(page, assert_accessible, demo):
    inviter = User.objects.get(email="admin@demo.example")
    invitation, token = invitation_create(invited_by=inviter, email="late@example.gov", staff_role="reviewer")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page.goto(f"/accounts/invitations/{token}/")
    assert "expired" in page.content()
    assert_accessible(page)
