"""django-axes: five wrong passwords for one account lock it; a success before that resets the count."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from tests.factories import UserFactory

from .helpers import BANNER, is_signed_in, post_login

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed sign-in attempts"
WRONG_PASSWORD_ERROR = "Please enter a correct e-mail address and password."


def fail(client, email, times):
    return [post_login(client, email, "wrong-password") for _ in range(times)]


def assert_locked_out(response):
    assert response.status_code == 429
    assertContains(response, LOCKED_OUT, status_code=429)
    assertContains(response, BANNER, status_code=429)


def test_the_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_failures_below_the_limit_show_the_usual_error(client, payer_submitter):
    for response in fail(client, payer_submitter.email, settings.AXES_FAILURE_LIMIT - 1):
        assert response.status_code == 200
        assertContains(response, WRONG_PASSWORD_ERROR)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, payer_submitter):
    responses = fail(client, payer_submitter.email, settings.AXES_FAILURE_LIMIT)
    assert_locked_out(responses[-1])

    response = post_login(client, payer_submitter.email)

    assert_locked_out(response)
    assert not is_signed_in(client)
    assert AccessAttempt.objects.filter(username=payer_submitter.email).get().failures_since_start >= 5


def test_the_lock_cannot_be_dodged_by_changing_the_case_of_the_e_mail_address(client, payer_submitter):
    email = payer_submitter.email
    fail(client, email.upper(), 2)
    fail(client, email.title(), 2)
    fail(client, email, 1)

    assert_locked_out(post_login(client, email.upper()))
    assert_locked_out(post_login(client, email))
    assert not is_signed_in(client)


def test_the_lock_is_for_that_account_only(client, payer_submitter, payer_admin):
    fail(client, payer_submitter.email, settings.AXES_FAILURE_LIMIT)

    response = post_login(client, payer_admin.email)

    assertRedirects(response, "/home/", fetch_redirect_response=False)


def test_the_lock_is_for_that_address_only(client, payer_submitter):
    fail(client, payer_submitter.email, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/accounts/login/",
        {"username": payer_submitter.email, "password": "correct-horse-battery-staple"},
        REMOTE_ADDR="203.0.113.9",
    )

    assertRedirects(response, "/home/", fetch_redirect_response=False)


def test_a_success_before_the_limit_resets_the_count(client, payer_submitter):
    fail(client, payer_submitter.email, settings.AXES_FAILURE_LIMIT - 1)
    assertRedirects(post_login(client, payer_submitter.email), "/home/", fetch_redirect_response=False)
    client.post("/accounts/logout/")

    responses = fail(client, payer_submitter.email, settings.AXES_FAILURE_LIMIT - 1)

    assert all(response.status_code == 200 for response in responses)
    assertRedirects(post_login(client, payer_submitter.email), "/home/", fetch_redirect_response=False)


def test_the_lock_lasts_thirty_minutes(client, db):
    user = UserFactory()
    fail(client, user.email, settings.AXES_FAILURE_LIMIT)

    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert_locked_out(post_login(client, user.email))


def test_the_lock_ends_after_the_cool_off_period(client, db):
    user = UserFactory()
    fail(client, user.email, settings.AXES_FAILURE_LIMIT)

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assertRedirects(post_login(client, user.email), "/home/", fetch_redirect_response=False)


def test_admin_site_sign_in_shares_the_lockout_whatever_the_capitalization(client, django_user_model):
    django_user_model.objects.create_user(email="lead.admin@example.gov", password="right-password-123", full_name="L")
    for attempt in range(5):
        email = "Lead.Admin@Example.gov" if attempt % 2 else "lead.admin@example.gov"
        client.post("/admin/login/", {"username": email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "LEAD.ADMIN@example.gov", "password": "right-password-123"})
    assert response.status_code == 429
