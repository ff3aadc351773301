"""Signing in with an e-mail address and password, wrong passwords, and signing out."""

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import TEST_PASSWORD

from .helpers import (
    BANNER,
    LOGIN_URL,
    ORGANIZATION_ROLES,
    final_path,
    is_signed_in,
    post_login,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db

WRONG_PASSWORD_ERROR = "Please enter a correct e-mail address and password."


def test_sign_in_page_renders_with_the_government_banner(client):
    response = client.get(LOGIN_URL)

    assertContains(response, BANNER)
    assertContains(response, "<h1>Sign in</h1>", html=True)
    assertContains(response, 'name="username"')
    assertContains(response, 'name="password"')
    assertContains(response, "E-mail address")
    assertContains(response, reverse("password_reset"))


def test_login_redirect_url_is_the_role_dispatcher():
    assert reverse(settings.LOGIN_REDIRECT_URL) == reverse("accounts:home") == "/home/"


@pytest.mark.parametrize("role", ORGANIZATION_ROLES)
def test_each_organization_role_lands_on_the_dashboard(client, role_user, role):
    user = role_user(role)

    response = post_login(client, user.email, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/home/", 302), ("/dashboard/", 302)]
    assert final_path(response) == "/dashboard/"
    assert signed_in_user_id(client) == str(user.pk)
    assertContains(response, f"Welcome, {user.get_short_name()}")
    assertContains(response, user.memberships.get().organization.name)


@pytest.mark.parametrize("typed", ["upper", "title", "padded"])
def test_the_e_mail_address_is_not_case_sensitive(client, payer_submitter, typed):
    email = {
        "upper": payer_submitter.email.upper(),
        "title": payer_submitter.email.title(),
        "padded": f"  {payer_submitter.email}  ",
    }[typed]

    response = post_login(client, email)

    assertRedirects(response, "/home/", fetch_redirect_response=False)
    assert signed_in_user_id(client) == str(payer_submitter.pk)


def test_sign_in_follows_a_safe_next_address(client, payer_submitter):
    response = post_login(client, payer_submitter.email, next_url="/accounts/profile/")

    assertRedirects(response, "/accounts/profile/")


def test_sign_in_ignores_a_next_address_on_another_site(client, payer_submitter):
    response = post_login(client, payer_submitter.email, next_url="https://evil.example/steal")

    assertRedirects(response, "/home/", fetch_redirect_response=False)


def test_a_wrong_password_shows_an_error_and_starts_no_session(client, payer_submitter):
    response = post_login(client, payer_submitter.email, "not-the-password")

    assert response.status_code == 200
    assertContains(response, WRONG_PASSWORD_ERROR)
    assertContains(response, BANNER)
    assert not is_signed_in(client)
    assert client.get("/dashboard/").status_code == 302


def test_an_unknown_e_mail_address_gets_the_same_error(client, db):
    response = post_login(client, "nobody@example.org", TEST_PASSWORD)

    assertContains(response, WRONG_PASSWORD_ERROR)
    assert not is_signed_in(client)


def test_an_inactive_account_cannot_sign_in(client, payer_submitter):
    payer_submitter.is_active = False
    payer_submitter.save()

    response = post_login(client, payer_submitter.email)

    assertContains(response, WRONG_PASSWORD_ERROR)
    assert not is_signed_in(client)


def test_signing_out_by_post_ends_the_session(client, payer_submitter):
    post_login(client, payer_submitter.email)
    assert client.get("/dashboard/").status_code == 200

    response = client.post(reverse("logout"))

    assertRedirects(response, LOGIN_URL)
    assert not is_signed_in(client)
    assertRedirects(client.get("/dashboard/"), f"{LOGIN_URL}?next=/dashboard/")


def test_signing_out_by_get_is_refused(client, payer_submitter):
    post_login(client, payer_submitter.email)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert is_signed_in(client)


def test_pages_offer_sign_out_only_when_signed_in(client, payer_submitter):
    assertNotContains(client.get(LOGIN_URL), "Sign out")
    post_login(client, payer_submitter.email)
    assertContains(client.get("/dashboard/"), "Sign out")
