"""The signed-in user and device come from the cache, and every change that ends access ends it at once.

Each test warms the cache with a first request, makes the change, and checks the very next request
with the same session cookie.
"""

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from redis.connection import Connection

from accounts import services, signed_in
from accounts.models import Membership, User
from qppportal.cache import FailOpenRedisCache
from tests.factories import TEST_PASSWORD
from tests.support import sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
QUEUE = reverse("accounts:reviewer_home")
LOGIN = reverse("login")


def warmed(client, user):
    """``client`` signed in as ``user``, after one request has filled the cache."""
    sign_in(client, user)
    assert client.get(HOME).status_code == 302
    return client


def same_session(client) -> Client:
    """A second browser holding a copy of ``client``'s session cookie."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return other


def test_a_verified_reviewer_is_known_without_a_query(client, reviewer, django_assert_num_queries):
    warmed(client, reviewer)

    with django_assert_num_queries(0):
        response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == QUEUE


def test_signing_out_ends_the_session_at_once(client, reviewer):
    warmed(client, reviewer)
    copy = same_session(client)

    client.post(reverse("logout"))

    response = copy.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_password_change_signs_out_the_other_sessions_at_once(client, reviewer):
    other = warmed(Client(), reviewer)
    warmed(client, reviewer)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302

    assert other.get(QUEUE).url.startswith(LOGIN)
    assert client.get(QUEUE).status_code == 200


def test_losing_the_staff_role_ends_access_to_the_queue_at_once(client, reviewer):
    warmed(client, reviewer)
    assert client.get(QUEUE).status_code == 200

    services.user_set_staff_role(user=reviewer, staff_role="")

    assert client.get(QUEUE).status_code == 403


def test_a_deactivated_account_is_signed_out_at_once(client, reviewer):
    warmed(client, reviewer)

    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])

    assert client.get(QUEUE).url.startswith(LOGIN)


def test_removing_the_authenticator_asks_for_a_new_one_at_once(client, reviewer):
    warmed(client, reviewer)
    assert client.get(QUEUE).status_code == 200

    TOTPDevice.objects.filter(user=reviewer).delete()

    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:mfa_setup"))


def test_an_unconfirmed_authenticator_no_longer_verifies_the_session(client, reviewer):
    warmed(client, reviewer)
    device = TOTPDevice.objects.get(user=reviewer)

    device.confirmed = False
    device.save(update_fields=["confirmed"])

    assert client.get(QUEUE).url.startswith(reverse("accounts:mfa_setup"))


def test_leaving_an_organization_ends_access_to_it_at_once(client, payer_submitter, payer_organization):
    warmed(client, payer_submitter)
    page = reverse("accounts:organization_detail", args=[payer_organization.pk])
    assert client.get(page).status_code == 200

    Membership.objects.filter(user=payer_submitter, organization=payer_organization).delete()

    assert client.get(page).status_code in (403, 404)


def test_a_request_that_read_the_user_just_before_a_change_cannot_keep_it(
    client, reviewer, django_capture_on_commit_callbacks
):
    """A request that read the row before a role change commits stores it after; it must not be used."""
    warmed(client, reviewer)
    device = TOTPDevice.objects.get(user=reviewer)
    before_change = User.objects.get(pk=reviewer.pk)

    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    with django_capture_on_commit_callbacks() as commit:
        services.user_set_staff_role(user=reviewer, staff_role="")
        version_seen = cache.get(signed_in.version_key(reviewer.pk))
    entry = (str(reviewer.pk), device.persistent_id, version_seen, before_change, device)
    cache.set(signed_in.entry_key(session_key), entry)
    for callback in commit:
        callback()

    assert client.get(QUEUE).status_code == 403


def test_a_signed_in_request_makes_one_round_trip_to_redis(client, reviewer, monkeypatch):
    """The session, the user and device entry and the user's version come back from one script."""
    if not isinstance(caches["default"], FailOpenRedisCache):
        pytest.skip("one round trip needs Redis (REDIS_URL); other caches take two")
    warmed(client, reviewer)
    sent = []
    send = Connection.send_packed_command

    def counted(self, *args, **kwargs):
        sent.append(args)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "send_packed_command", counted)

    response = client.get(HOME)

    assert response.status_code == 302 and response.url == QUEUE
    assert len(sent) == 1


def test_without_redis_the_user_still_comes_from_the_cache(client, reviewer, django_assert_num_queries):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        warmed(client, reviewer)
        with django_assert_num_queries(0):
            assert client.get(HOME).url == QUEUE

        services.user_set_staff_role(user=reviewer, staff_role="")

        assert client.get(QUEUE).status_code == 403


def test_an_entry_is_used_only_for_its_own_session(client, reviewer, review_lead):
    """Each session's entry names its user and device; a session of someone else never reads it."""
    warmed(client, reviewer)
    lead = warmed(Client(), review_lead)
    reviewer_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    lead_key = lead.cookies[settings.SESSION_COOKIE_NAME].value
    cache.set(signed_in.entry_key(lead_key), cache.get(signed_in.entry_key(reviewer_key)))

    assert lead.get(HOME).url == reverse("accounts:review_lead_home")
