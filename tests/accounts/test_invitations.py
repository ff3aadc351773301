"""Inviting people by e-mail and accepting the link: organizations, CMS staff and existing accounts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts import services
from accounts.models import Invitation, Membership, MembershipRole, StaffRole, User
from accounts.models.invitation import token_digest
from accounts.tasks import invitations_purge_expired
from messaging.models import Message
from messaging.services import messages_dispatch
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

from .helpers import BANNER, is_signed_in, last_mail_link, post_login, signed_in_user_id

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"
ACCEPT_LINK = r"https?://\S+/accounts/invitations/[^/\s]+/"
STAFF_INVITE_URL = reverse("accounts:invitation_create_staff")


def invite_url(organization):
    return reverse("accounts:invitation_create_organization", args=[organization.pk])


def accept_data(full_name="Ina Invitee", password1=NEW_PASSWORD, password2=None):
    return {"full_name": full_name, "password1": password1, "password2": password1 if password2 is None else password2}


def token_of(path):
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def invite(client, signed_in, django_capture_on_commit_callbacks):
    """``invite(inviter, organization, email, role)``: send an invitation from the invite page."""

    def send(inviter, organization, email, role=MembershipRole.SUBMITTER, full_name="Ina Invitee"):
        signed_in(inviter)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                invite_url(organization), {"email": email, "full_name": full_name, "membership_role": role}
            )
        client.logout()
        return response

    return send


@pytest.fixture
def invitation_link(payer_admin, payer_organization, invite):
    """The accept path of a submitter invitation to the payer organization for new@example.org."""
    response = invite(payer_admin, payer_organization, "new@example.org")
    assert response.status_code == 302
    return last_mail_link(ACCEPT_LINK)


def make_invitation(invited_by, *, organization=None, email="someone@example.org", **fields):
    role = {"membership_role": MembershipRole.SUBMITTER} if organization else {"staff_role": StaffRole.REVIEWER}
    invitation, token = services.invitation_create(
        invited_by=invited_by, email=email, organization=organization, **(role | fields)
    )
    return invitation, reverse("accounts:invitation_accept", args=[token])


# --- Sending ------------------------------------------------------------------------------------


def test_an_organization_admin_invites_by_e_mail(client, payer_admin, payer_organization, invite):
    response = invite(payer_admin, payer_organization, "New.Person@Example.org", MembershipRole.ORGANIZATION_ADMIN)

    assertRedirects(response, f"/organizations/{payer_organization.pk}/", fetch_redirect_response=False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert message.subject == "You are invited to QPP Portal"
    assert f"as Organization admin of {payer_organization.name}" in message.body
    path = last_mail_link(ACCEPT_LINK)
    assert f"{settings.SITE_URL}{path}" in message.body

    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.org"
    assert invitation.organization == payer_organization
    assert invitation.membership_role == MembershipRole.ORGANIZATION_ADMIN
    assert invitation.staff_role == ""
    assert invitation.invited_by == payer_admin
    assert invitation.accepted_at is None
    assert invitation.expires_at - invitation.created_at == timedelta(days=settings.INVITATION_VALID_DAYS)


def test_only_the_token_digest_is_stored(payer_admin, payer_organization, invite):
    invite(payer_admin, payer_organization, "new@example.org")
    token = token_of(last_mail_link(ACCEPT_LINK))

    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_digest(token)
    assert invitation.token_hash != token
    stored = Invitation.objects.values_list().get()
    assert not any(token in str(value) for value in stored)


def test_the_organization_page_lists_the_pending_invitation(client, signed_in, payer_admin, payer_organization, invite):
    invite(payer_admin, payer_organization, "new@example.org")
    signed_in(payer_admin)

    response = client.get(f"/organizations/{payer_organization.pk}/")

    assertContains(response, "new@example.org")


def test_inviting_someone_who_is_already_a_member_is_an_error(client, payer_admin, payer_submitter, invite):
    organization = payer_submitter.memberships.get().organization

    response = invite(payer_admin, organization, payer_submitter.email.upper())

    assert response.status_code == 200
    assertContains(response, "is already a member of")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_invalid_e_mail_address_is_an_error(payer_admin, payer_organization, invite):
    response = invite(payer_admin, payer_organization, "not-an-address")

    assertContains(response, "Enter a valid email address.")
    assert not Invitation.objects.exists()


def test_a_submitter_cannot_invite(client, signed_in, payer_submitter, payer_organization):
    signed_in(payer_submitter)

    get = client.get(invite_url(payer_organization))
    post = client.post(invite_url(payer_organization), {"email": "x@example.org", "membership_role": "submitter"})

    for response in (get, post):
        assert response.status_code == 403
        assertContains(response, "Only an organization admin of", status_code=403)
        assertContains(response, BANNER, status_code=403)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_admin_of_another_organization_cannot_invite(client, signed_in, payer_admin, apm_entity):
    signed_in(payer_admin)

    response = client.post(invite_url(apm_entity), {"email": "x@example.org", "membership_role": "submitter"})

    # Another organization's page answers like a missing one (decision 0028), naming nothing.
    assert response.status_code == 404
    assertNotContains(response, apm_entity.name, status_code=404)
    assert not Invitation.objects.exists()


def test_a_program_admin_can_invite_to_any_organization(program_admin, apm_entity, invite):
    response = invite(program_admin, apm_entity, "clinician@example.org")

    assert response.status_code == 302
    assert Invitation.objects.get().organization == apm_entity
    assert mail.outbox[0].to == ["clinician@example.org"]


# --- Accepting as a new user -------------------------------------------------------------------


def test_the_link_opens_the_accept_form(client, invitation_link, payer_organization):
    response = client.get(invitation_link)

    assert response.status_code == 200
    assertContains(response, "Accept your invitation")
    assertContains(response, "new@example.org")
    assertContains(response, f"Submitter of {payer_organization.name}")
    assertContains(response, 'name="password1"')
    assertContains(response, 'value="Ina Invitee"')


def test_accepting_creates_the_account_and_signs_in(client, invitation_link, payer_organization, payer_admin):
    response = client.post(invitation_link, accept_data(full_name="Ina Q. Invitee"))

    assertRedirects(response, "/dashboard/", fetch_redirect_response=False)
    user = User.objects.get(email="new@example.org")
    assert user.full_name == "Ina Q. Invitee"
    assert user.check_password(NEW_PASSWORD)
    assert user.staff_role == ""
    assert not user.is_staff
    membership = Membership.objects.get(user=user)
    assert membership.organization == payer_organization
    assert membership.role == MembershipRole.SUBMITTER
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    assert signed_in_user_id(client) == str(user.pk)
    home = client.get("/dashboard/")
    assertContains(home, "Your account is ready.")
    assertContains(home, payer_organization.name)


def test_the_new_password_signs_in_later(client, invitation_link):
    client.post(invitation_link, accept_data())
    client.post(reverse("logout"))

    assertRedirects(post_login(client, "new@example.org", NEW_PASSWORD), "/home/", fetch_redirect_response=False)


def test_an_accepted_link_cannot_be_used_again(client, invitation_link):
    client.post(invitation_link, accept_data())
    client.post(reverse("logout"))

    for response in (client.get(invitation_link), client.post(invitation_link, accept_data(full_name="Mallory"))):
        assert response.status_code == 410
        assertContains(response, "already been used", status_code=410)
        assertContains(response, BANNER, status_code=410)
    assert User.objects.filter(email="new@example.org").get().full_name == "Ina Invitee"
    assert not is_signed_in(client)


def test_an_expired_link_cannot_be_used(client, invitation_link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    for response in (client.get(invitation_link), client.post(invitation_link, accept_data())):
        assert response.status_code == 410
        assertContains(response, "expired", status_code=410)
    assert not User.objects.filter(email="new@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_link_just_before_expiry_still_works(client, invitation_link):
    Invitation.objects.update(expires_at=timezone.now() + timedelta(minutes=1))

    assert client.post(invitation_link, accept_data()).status_code == 302


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43])
def test_an_invalid_link_cannot_be_used(client, invitation_link, token):
    response = client.get(reverse("accounts:invitation_accept", args=[token]))

    assert response.status_code == 410
    assertContains(response, "not valid", status_code=410)


def test_a_truncated_link_cannot_be_used(client, invitation_link):
    response = client.get(invitation_link[:-6] + "/")

    assert response.status_code == 410


@pytest.mark.parametrize(
    "data,error",
    [
        (accept_data(password2="a-different-passphrase"), "The two passwords do not match."),
        (accept_data(password1="short-pw1"), "This password is too short."),
        (accept_data(password1="password1234"), "This password is too common."),
        (accept_data(password1="381946275019"), "This password is entirely numeric."),
        (accept_data(password1="new@example.org"), "The password is too similar to the"),
        (accept_data(full_name=""), "This field is required."),
    ],
    ids=["mismatch", "short", "common", "numeric", "like-email", "no-name"],
)
def test_a_bad_password_or_name_is_an_error_and_creates_nobody(client, invitation_link, data, error):
    response = client.post(invitation_link, data)

    assert response.status_code == 200
    assertContains(response, error)
    assert not User.objects.filter(email="new@example.org").exists()
    assert Invitation.objects.get().accepted_at is None
    assert not is_signed_in(client)


# --- Staff invitations -------------------------------------------------------------------------


def staff_invite(client, signed_in, inviter, email, staff_role, capture):
    signed_in(inviter)
    with capture(execute=True):
        response = client.post(STAFF_INVITE_URL, {"email": email, "full_name": "Stef Staff", "staff_role": staff_role})
    client.logout()
    return response


@pytest.mark.parametrize(
    "staff_role,home,is_staff",
    [
        (StaffRole.REVIEWER, "/review/", False),
        (StaffRole.REVIEW_LEAD, "/review/lead/", False),
        (StaffRole.PROGRAM_ADMIN, "/program/", True),
    ],
)
def test_a_program_admin_invites_staff(
    client, signed_in, program_admin, django_capture_on_commit_callbacks, staff_role, home, is_staff
):
    signed_in(program_admin)
    assertContains(client.get(STAFF_INVITE_URL), "Invite CMS staff")
    client.logout()

    response = staff_invite(
        client, signed_in, program_admin, "staff@cms.example.gov", staff_role, django_capture_on_commit_callbacks
    )

    assertRedirects(response, "/program/", fetch_redirect_response=False)
    invitation = Invitation.objects.get()
    assert (invitation.staff_role, invitation.organization, invitation.membership_role) == (staff_role, None, "")
    assert mail.outbox[0].to == ["staff@cms.example.gov"]
    assert f"as {staff_role.label}" in mail.outbox[0].body
    link = last_mail_link(ACCEPT_LINK)

    response = client.post(link, accept_data(full_name="Stef Staff"))

    assertRedirects(response, home, fetch_redirect_response=False)
    user = User.objects.get(email="staff@cms.example.gov")
    assert user.staff_role == staff_role
    assert user.is_staff is is_staff
    assert not user.memberships.exists()
    # New staff set up their authenticator before anything else.
    assertRedirects(client.get(home), f"/accounts/mfa/setup/?next={home.replace('/', '%2F')}")


@pytest.mark.parametrize("role", ["payer_submitter", "payer_admin", "clinician_submitter", "reviewer", "review_lead"])
def test_only_a_program_admin_can_invite_staff(client, signed_in, role_user, role):
    signed_in(role_user(role))

    for response in (
        client.get(STAFF_INVITE_URL),
        client.post(STAFF_INVITE_URL, {"email": "x@example.org", "staff_role": "program_admin"}),
    ):
        assert response.status_code == 403
        assertContains(response, "Only a program admin can invite CMS staff.", status_code=403)
    assert not Invitation.objects.exists()


def test_inviting_someone_who_already_has_a_staff_role_is_an_error(
    client, signed_in, program_admin, reviewer, django_capture_on_commit_callbacks
):
    response = staff_invite(
        client, signed_in, program_admin, reviewer.email, StaffRole.REVIEW_LEAD, django_capture_on_commit_callbacks
    )

    assertContains(response, "already has a staff role")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Invitations to an existing account --------------------------------------------------------


def test_an_existing_account_signs_in_to_accept(client, payer_submitter, apm_entity, program_admin, invite):
    invite(program_admin, apm_entity, payer_submitter.email, MembershipRole.ORGANIZATION_ADMIN)
    link = last_mail_link(ACCEPT_LINK)

    response = client.get(link)
    assertRedirects(response, f"/accounts/login/?next={link}", fetch_redirect_response=False)
    assertContains(client.get(response.url), "Sign in to accept the invitation")
    assert not User.objects.filter(email=payer_submitter.email).exclude(pk=payer_submitter.pk).exists()

    response = post_login(client, payer_submitter.email, TEST_PASSWORD, next_url=link, follow=True)
    assertContains(response, "Accept the invitation")
    assert not payer_submitter.memberships.filter(organization=apm_entity).exists()

    response = client.post(link)

    assertRedirects(response, "/dashboard/", fetch_redirect_response=False)
    assert payer_submitter.memberships.get(organization=apm_entity).role == MembershipRole.ORGANIZATION_ADMIN
    assert payer_submitter.memberships.count() == 2
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == payer_submitter
    assert payer_submitter.check_password(TEST_PASSWORD)
    assert client.get(link).status_code == 410


def test_an_invitation_for_another_account_is_refused(client, signed_in, payer_submitter, apm_entity, program_admin):
    other = UserFactory(email="other@example.org")
    _, link = make_invitation(program_admin, organization=apm_entity, email=other.email)
    signed_in(payer_submitter)

    response = client.post(link)

    assert response.status_code == 410
    assertContains(response, "This invitation was sent to other@example.org", status_code=410)
    assert not Membership.objects.filter(organization=apm_entity).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_accepting_a_staff_invitation_gets_the_role(
    client, signed_in, payer_submitter, program_admin
):
    _, link = make_invitation(program_admin, email=payer_submitter.email, staff_role=StaffRole.REVIEWER)
    signed_in(payer_submitter)

    response = client.post(link)

    assertRedirects(response, "/review/", fetch_redirect_response=False)
    payer_submitter.refresh_from_db()
    assert payer_submitter.staff_role == StaffRole.REVIEWER


def test_an_invitation_does_not_downgrade_an_organization_admin(client, signed_in, payer_admin, program_admin):
    organization = payer_admin.memberships.get().organization
    _, link = make_invitation(program_admin, organization=organization, email=payer_admin.email)
    signed_in(payer_admin)

    client.post(link)

    assert payer_admin.memberships.get().role == MembershipRole.ORGANIZATION_ADMIN


# --- Clean-up task ------------------------------------------------------------------------------


def test_the_purge_task_deletes_long_expired_unaccepted_invitations(program_admin, payer_organization):
    now = timezone.now()
    long_expired, _ = make_invitation(program_admin, organization=payer_organization, email="old@example.org")
    recently_expired, _ = make_invitation(program_admin, organization=payer_organization, email="recent@example.org")
    accepted, _ = make_invitation(program_admin, organization=payer_organization, email="done@example.org")
    valid, _ = make_invitation(program_admin, email="staff@example.org")
    Invitation.objects.filter(pk__in=[long_expired.pk, accepted.pk]).update(expires_at=now - timedelta(days=31))
    Invitation.objects.filter(pk=recently_expired.pk).update(expires_at=now - timedelta(days=29))
    accepter = MembershipFactory(organization=payer_organization).user
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=now - timedelta(days=35), accepted_by=accepter)

    deleted = invitations_purge_expired.delay().get()

    assert deleted == 1
    assert set(Invitation.objects.values_list("pk", flat=True)) == {recently_expired.pk, accepted.pk, valid.pk}


def test_the_purge_task_runs_every_night():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.invitations_purge_expired" in schedule


def test_an_invitation_e_mail_is_not_sent_once_accepted(payer_admin, payer_organization, invite):
    invitation, token = services.invitation_create(
        invited_by=payer_admin, email="late@example.org", organization=payer_organization, membership_role="submitter"
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())

    assert messages_dispatch().not_due == 1

    assert mail.outbox == []
    assert Message.objects.get(kind="invitation").last_error == "The invitation was accepted before it was sent."
