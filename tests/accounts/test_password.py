"""Resetting a forgotten password by e-mail, and changing the password while signed in."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import TEST_PASSWORD, UserFactory

from .helpers import BANNER, LOGIN_URL, is_signed_in, last_mail_link, post_login

pytestmark = pytest.mark.django_db

RESET_URL = reverse("password_reset")
RESET_DONE_URL = reverse("password_reset_done")
RESET_LINK = r"http://testserver/accounts/reset/[^/\s]+/[^/\s]+/"
NEW_PASSWORD = "a-brand-new-passphrase"
CANNOT_BE_USED = "This link cannot be used"


def request_reset(client, email):
    return client.post(RESET_URL, {"email": email}, follow=True)


def set_new_password(client, link, password=NEW_PASSWORD, again=None):
    """Open the e-mailed link (it redirects to a link without the token) and post the new password."""
    response = client.get(link)
    assert response.status_code == 302, response.status_code
    set_password_url = response.url
    assert set_password_url.endswith("/set-password/")
    return client.post(set_password_url, {"new_password1": password, "new_password2": again or password})


def test_the_reset_page_renders(client, db):
    response = client.get(RESET_URL)

    assertContains(response, "Reset your password")
    assertContains(response, 'name="email"')
    assertContains(response, BANNER)


def test_a_reset_request_e_mails_one_link(client, payer_submitter):
    response = request_reset(client, payer_submitter.email.upper())

    assertRedirects(response, RESET_DONE_URL)
    assertContains(response, "Check your e-mail")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [payer_submitter.email]
    assert message.subject == "Reset your QPP Portal password"
    assert payer_submitter.email in message.body
    last_mail_link(RESET_LINK)


def test_the_link_sets_a_new_password_that_signs_in(client, payer_submitter):
    request_reset(client, payer_submitter.email)
    link = last_mail_link(RESET_LINK)

    response = set_new_password(client, link)

    assertRedirects(response, reverse("password_reset_complete"))
    payer_submitter.refresh_from_db()
    assert payer_submitter.check_password(NEW_PASSWORD)
    assert not payer_submitter.check_password(TEST_PASSWORD)
    assert not is_signed_in(client)
    assertContains(post_login(client, payer_submitter.email, TEST_PASSWORD), "Please enter a correct e-mail address")
    assertRedirects(post_login(client, payer_submitter.email, NEW_PASSWORD), "/home/", fetch_redirect_response=False)


def test_a_used_link_cannot_be_used_again(client, payer_submitter):
    request_reset(client, payer_submitter.email)
    link = last_mail_link(RESET_LINK)
    set_new_password(client, link)

    response = client.get(link, follow=True)

    assertContains(response, CANNOT_BE_USED)
    assertNotContains(response, 'name="new_password1"')


def test_a_link_stops_working_when_the_password_changes_otherwise(client, payer_submitter):
    request_reset(client, payer_submitter.email)
    link = last_mail_link(RESET_LINK)
    payer_submitter.set_password("changed-some-other-way")
    payer_submitter.save()

    assertContains(client.get(link, follow=True), CANNOT_BE_USED)


def test_an_invalid_link_cannot_be_used(client, payer_submitter):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "not-a-token"]))

    assertContains(response, CANNOT_BE_USED)
    assertContains(response, BANNER)


def test_the_new_password_must_be_strong_and_repeated(client, payer_submitter):
    request_reset(client, payer_submitter.email)
    link = last_mail_link(RESET_LINK)

    response = set_new_password(client, link, "short", "short")
    assertContains(response, "This password is too short.")
    response = client.post(response.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assertContains(response, "The two password fields didn")

    payer_submitter.refresh_from_db()
    assert payer_submitter.check_password(TEST_PASSWORD)


def test_an_unknown_e_mail_gets_the_same_page_and_no_e_mail(client, payer_submitter):
    known = request_reset(client, payer_submitter.email)
    mail.outbox.clear()

    unknown = request_reset(client, "nobody@example.org")

    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain == [(RESET_DONE_URL, 302)]
    assertContains(unknown, "Check your e-mail")
    assert unknown.content == known.content


def test_an_inactive_account_gets_no_e_mail(client, db):
    user = UserFactory(is_active=False)

    response = request_reset(client, user.email)

    assertContains(response, "Check your e-mail")
    assert mail.outbox == []


# --- Changing the password ---------------------------------------------------------------------

CHANGE_URL = reverse("password_change")


def test_a_signed_in_user_changes_their_password(client, payer_submitter):
    post_login(client, payer_submitter.email)
    assertContains(client.get(CHANGE_URL), 'name="old_password"')

    response = client.post(
        CHANGE_URL, {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assertRedirects(response, reverse("password_change_done"))
    payer_submitter.refresh_from_db()
    assert payer_submitter.check_password(NEW_PASSWORD)
    # The session that changed the password stays signed in.
    assert client.get("/dashboard/").status_code == 200
    client.post(reverse("logout"))
    assertRedirects(post_login(client, payer_submitter.email, NEW_PASSWORD), "/home/", fetch_redirect_response=False)


def test_changing_the_password_signs_out_other_sessions(client, payer_submitter):
    other = Client()
    post_login(other, payer_submitter.email)
    post_login(client, payer_submitter.email)

    client.post(
        CHANGE_URL, {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assertRedirects(other.get("/dashboard/"), f"{LOGIN_URL}?next=/dashboard/")


def test_a_wrong_current_password_changes_nothing(client, payer_submitter):
    post_login(client, payer_submitter.email)

    response = client.post(
        CHANGE_URL, {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assertContains(response, "Your old password was entered incorrectly.")
    payer_submitter.refresh_from_db()
    assert payer_submitter.check_password(TEST_PASSWORD)


def test_changing_the_password_needs_a_signed_in_user(client, db):
    assertRedirects(client.get(CHANGE_URL), f"{LOGIN_URL}?next={CHANGE_URL}")
