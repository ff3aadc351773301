"""CMS staff sign in with a password and then a one-time code (TOTP); nobody else is asked for one."""

from base64 import b32encode
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.demo import DEMO_PASSWORD
from tests.factories import UserFactory

from .helpers import (
    ORGANIZATION_ROLES,
    ROLE_HOMES,
    STAFF_ROLES,
    final_path,
    is_signed_in,
    post_login,
    totp_code,
    wrong_totp_code,
)

pytestmark = pytest.mark.django_db

SETUP_URL = reverse("accounts:mfa_setup")
VERIFY_URL = reverse("accounts:mfa_verify")
CODE_MISMATCH = "That code did not match."
THROTTLED = "Too many wrong codes."


def with_next(url, next_url):
    return f"{url}?{urlencode({'next': next_url})}"


def is_verified(client, device=None) -> bool:
    persistent_id = client.session.get(DEVICE_ID_SESSION_KEY)
    return persistent_id is not None and (device is None or persistent_id == device.persistent_id)


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def pending_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


@pytest.fixture
def frozen_time():
    """Time stands still (so codes and throttling delays are exact) until the test moves it."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


# --- First sign-in: setting up an authenticator --------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, role_user, role):
    user = role_user(role)

    response = post_login(client, user.email, follow=True)

    assert response.redirect_chain == [("/home/", 302), (with_next(SETUP_URL, "/home/"), 302)]
    assert response.status_code == 200
    assert is_signed_in(client)
    assert not is_verified(client)
    assertContains(response, "Set up your authenticator app")


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/home/",
        "/review/",
        "/review/lead/",
        "/program/",
        "/admin/",
        "/dashboard/",
        "/organizations/",
        "/accounts/profile/",
        "/accounts/password_change/",
        "/accounts/invitations/staff/new/",
    ],
)
def test_every_other_page_sends_unverified_staff_to_mfa(client, role_user, role, path):
    post_login(client, role_user(role).email)

    response = client.get(path)

    assertRedirects(response, with_next(SETUP_URL, path), fetch_redirect_response=False)


def test_unverified_staff_see_no_navigation(client, program_admin):
    post_login(client, program_admin.email)

    response = client.get(SETUP_URL)

    assertNotContains(response, 'href="/admin/"')
    assertNotContains(response, 'href="/accounts/invitations/staff/new/"')
    assertContains(response, "Sign out")


def test_the_setup_page_shows_a_qr_code_and_the_secret(client, reviewer):
    post_login(client, reviewer.email)

    response = client.get(SETUP_URL)

    device = pending_device(reviewer)
    assertContains(response, 'src="data:image/svg+xml')
    assertContains(response, b32encode(device.bin_key).decode())
    # Reloading the page shows the same pending device rather than piling up new ones.
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1


def test_a_wrong_code_at_setup_shows_an_error_and_verifies_nothing(client, reviewer):
    post_login(client, reviewer.email)
    client.get(SETUP_URL)
    device = pending_device(reviewer)

    response = client.post(SETUP_URL, {"code": wrong_totp_code(device)})

    assert response.status_code == 200
    assertContains(response, CODE_MISMATCH)
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_verified(client)
    assertRedirects(client.get("/review/"), with_next(SETUP_URL, "/review/"), fetch_redirect_response=False)


def test_a_code_that_is_not_six_digits_is_refused(client, reviewer):
    post_login(client, reviewer.email)
    client.get(SETUP_URL)

    response = client.post(SETUP_URL, {"code": "12ab"})

    assertContains(response, "Enter the 6 digits your authenticator app shows")
    assert not is_verified(client)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_right_code_confirms_the_authenticator_and_lands_on_the_role_home(client, role_user, role):
    user = role_user(role)
    post_login(client, user.email)
    setup = with_next(SETUP_URL, "/home/")
    client.get(setup)
    device = pending_device(user)

    response = client.post(setup, {"code": totp_code(device), "next": "/home/"}, follow=True)

    assert response.redirect_chain == [("/home/", 302), (ROLE_HOMES[role], 302)]
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client, device)
    assert client.get(ROLE_HOMES[role]).status_code == 200


def test_setup_returns_to_the_page_first_asked_for(client, program_admin):
    post_login(client, program_admin.email)
    response = client.get("/organizations/")
    setup = response.url
    client.get(setup)

    response = client.post(setup, {"code": totp_code(pending_device(program_admin)), "next": "/organizations/"})

    assertRedirects(response, "/organizations/")


def test_setup_ignores_a_next_address_on_another_site(client, reviewer):
    post_login(client, reviewer.email)
    client.get(SETUP_URL)

    response = client.post(SETUP_URL, {"code": totp_code(pending_device(reviewer)), "next": "https://evil.example/"})

    assertRedirects(response, "/review/")


def test_a_right_code_after_a_wrong_one_works_once_the_throttle_delay_passed(client, reviewer, frozen_time):
    post_login(client, reviewer.email)
    client.get(SETUP_URL)
    device = pending_device(reviewer)
    assertContains(client.post(SETUP_URL, {"code": wrong_totp_code(device)}), CODE_MISMATCH)

    frozen_time.shift(timedelta(seconds=2))
    response = client.post(SETUP_URL, {"code": totp_code(device)})

    assertRedirects(response, "/review/")
    assert is_verified(client)


def test_setup_is_throttled_after_a_wrong_code(client, reviewer, frozen_time):
    post_login(client, reviewer.email)
    client.get(SETUP_URL)
    device = pending_device(reviewer)
    client.post(SETUP_URL, {"code": wrong_totp_code(device)})

    response = client.post(SETUP_URL, {"code": totp_code(device)})

    assertContains(response, THROTTLED)
    assert not is_verified(client)
    device.refresh_from_db()
    assert not device.confirmed


# --- Later sign-ins: entering a code -------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_an_authenticator_enter_a_code_and_land_on_their_home(client, role_user, role):
    user = role_user(role)
    device = confirmed_device(user)

    response = post_login(client, user.email, follow=True)
    assert final_path(response) == VERIFY_URL
    assertContains(response, "Enter your one-time code")
    assert not is_verified(client)
    # Setting up a second authenticator is not offered to someone who has one.
    assertRedirects(client.get(SETUP_URL), VERIFY_URL, fetch_redirect_response=False)

    response = client.post(with_next(VERIFY_URL, "/home/"), {"code": totp_code(device), "next": "/home/"}, follow=True)

    assert response.redirect_chain == [("/home/", 302), (ROLE_HOMES[role], 302)]
    assert is_verified(client, device)
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_a_wrong_code_at_verification_shows_an_error(client, reviewer):
    device = confirmed_device(reviewer)
    post_login(client, reviewer.email)

    response = client.post(VERIFY_URL, {"code": wrong_totp_code(device)})

    assert response.status_code == 200
    assertContains(response, CODE_MISMATCH)
    assert not is_verified(client)
    assertRedirects(client.get("/review/"), with_next(VERIFY_URL, "/review/"), fetch_redirect_response=False)


def test_too_many_wrong_codes_are_throttled(client, reviewer, frozen_time):
    device = confirmed_device(reviewer)
    post_login(client, reviewer.email)

    assertContains(client.post(VERIFY_URL, {"code": wrong_totp_code(device)}), CODE_MISMATCH)
    assertContains(client.post(VERIFY_URL, {"code": wrong_totp_code(device)}), THROTTLED)
    response = client.post(VERIFY_URL, {"code": totp_code(device)})

    assertContains(response, THROTTLED)
    assert not is_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    frozen_time.shift(timedelta(seconds=2))
    assertRedirects(client.post(VERIFY_URL, {"code": totp_code(device)}), "/review/")
    assert is_verified(client, device)


def test_the_throttle_delay_doubles_with_each_failure(client, reviewer, frozen_time):
    device = confirmed_device(reviewer)
    post_login(client, reviewer.email)
    for _ in range(3):
        assertContains(client.post(VERIFY_URL, {"code": wrong_totp_code(device)}), CODE_MISMATCH)
        frozen_time.shift(timedelta(seconds=5))
    device.refresh_from_db()
    assert device.throttling_failure_count == 3

    # Three failures ask for a 4-second wait since the last one: 5 s passed, so the code is checked.
    frozen_time.shift(timedelta(seconds=-2))
    assertContains(client.post(VERIFY_URL, {"code": totp_code(device)}), THROTTLED)
    frozen_time.shift(timedelta(seconds=2))
    assertRedirects(client.post(VERIFY_URL, {"code": totp_code(device)}), "/review/")


def test_a_code_cannot_be_used_twice(client, reviewer, frozen_time):
    device = confirmed_device(reviewer)
    code = totp_code(device)
    post_login(client, reviewer.email)
    assertRedirects(client.post(VERIFY_URL, {"code": code}), "/review/")
    client.post(reverse("logout"))
    post_login(client, reviewer.email)

    response = client.post(VERIFY_URL, {"code": code})

    assertContains(response, CODE_MISMATCH)
    assert not is_verified(client)


def test_signing_out_ends_the_verification(client, reviewer):
    device = confirmed_device(reviewer)
    post_login(client, reviewer.email)
    client.post(VERIFY_URL, {"code": totp_code(device)})
    assert is_verified(client, device)

    client.post(reverse("logout"))
    post_login(client, reviewer.email)

    assert not is_verified(client)
    assertRedirects(client.get("/review/"), with_next(VERIFY_URL, "/review/"), fetch_redirect_response=False)


def test_admin_site_access_alone_requires_mfa(client, db):
    user = UserFactory(is_staff=True)

    response = post_login(client, user.email, follow=True)

    assert final_path(response) == SETUP_URL


# --- Everyone else ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ORGANIZATION_ROLES)
def test_organization_members_are_never_asked_for_a_code(client, role_user, role):
    user = role_user(role)

    response = post_login(client, user.email, follow=True)

    assert final_path(response) == "/dashboard/"
    assertRedirects(client.get(SETUP_URL), "/dashboard/")
    assertRedirects(client.get(VERIFY_URL), "/dashboard/")
    assert client.get("/accounts/profile/").status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_mfa_pages_need_a_signed_in_user(client, db):
    assertRedirects(client.get(SETUP_URL), f"/accounts/login/?next={SETUP_URL}")
    assertRedirects(client.get(VERIFY_URL), f"/accounts/login/?next={VERIFY_URL}")


# --- The demo accounts' codes --------------------------------------------------------------------


def test_demo_totp_prints_a_code_that_passes_verification(client, db):
    call_command("load_demo_data", stdout=StringIO())
    response = post_login(client, "lead@demo.example", DEMO_PASSWORD, follow=True)
    assert final_path(response) == VERIFY_URL

    out = StringIO()
    call_command("demo_totp", "LEAD@demo.example", stdout=out)
    code = out.getvalue().strip()

    assert len(code) == 6 and code.isdigit()
    response = client.post(VERIFY_URL, {"code": code}, follow=True)
    assert final_path(response) == "/review/lead/"
    assert is_verified(client)


def test_demo_totp_refuses_an_account_without_an_authenticator(db):
    call_command("load_demo_data", stdout=StringIO())

    with pytest.raises(CommandError, match="no confirmed authenticator"):
        call_command("demo_totp", "payer.admin@demo.example", stdout=StringIO())
