"""Finding 7 of the 2026-11-30 probe: a program admin could read every staff member's TOTP secret,
set their passwords and change their own staff role. No one changes their own role, secrets are
never shown, passwords are reset by the person, and staff changes are on the record."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import StaffRole
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_device(review_lead):
    return TOTPDevice.objects.create(user=review_lead, name="Lead's phone", confirmed=True)


def _change_form_data(user, **overrides):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "staff_role": user.staff_role,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_a_program_admin_cannot_change_their_own_staff_role_in_the_admin(client, signed_in, program_admin):
    signed_in(program_admin)
    url = reverse("admin:accounts_user_change", args=[program_admin.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="staff_role"' not in page.content.decode()

    client.post(url, _change_form_data(program_admin, staff_role=StaffRole.REVIEW_LEAD, is_active="", is_staff=""))
    program_admin.refresh_from_db()
    assert program_admin.staff_role == StaffRole.PROGRAM_ADMIN
    assert program_admin.is_active and program_admin.is_staff


def test_a_program_admin_can_change_another_persons_role(client, signed_in, program_admin, reviewer):
    signed_in(program_admin)
    url = reverse("admin:accounts_user_change", args=[reviewer.pk])
    response = client.post(url, _change_form_data(reviewer, staff_role=StaffRole.REVIEW_LEAD))
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.staff_role == StaffRole.REVIEW_LEAD


def test_nobody_takes_a_staff_role_through_their_own_invitation(program_admin):
    outsider = UserFactory()
    invitation, token = services.invitation_create(
        invited_by=outsider, email=outsider.email, full_name="Me", staff_role=StaffRole.REVIEW_LEAD
    )
    with pytest.raises(services.InvitationError, match="cannot accept an invitation you sent"):
        services.invitation_accept_existing_user(token=token, user=outsider)
    outsider.refresh_from_db()
    assert outsider.staff_role == StaffRole.NONE


def test_totp_secrets_are_never_shown_in_the_admin(client, signed_in, program_admin, lead_device):
    signed_in(program_admin)
    secret = lead_device.key
    pages = [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[lead_device.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert secret not in body, url
        assert 'name="key"' not in body, url
    # The QR code and configuration pages of django-otp's own admin would give the secret away.
    for suffix in ("config/", "qrcode/"):
        url = reverse("admin:otp_totp_totpdevice_change", args=[lead_device.pk]).replace("change/", suffix)
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert secret not in response.content.decode()
    add = client.get(reverse("admin:otp_totp_totpdevice_changelist") + "add/")
    assert add.status_code in (302, 403, 404)


def test_a_program_admin_cannot_set_another_staff_members_password(client, signed_in, program_admin, review_lead):
    signed_in(program_admin)
    url = reverse("admin:auth_user_password_change", args=[review_lead.pk])
    assert client.get(url).status_code == 403
    client.post(url, {"password1": "a-new-password-for-lee", "password2": "a-new-password-for-lee"})
    review_lead.refresh_from_db()
    assert not review_lead.check_password("a-new-password-for-lee")
    change_page = client.get(reverse("admin:accounts_user_change", args=[review_lead.pk])).content.decode()
    assert "../password/" not in change_page


def test_people_are_added_through_invitations_not_with_a_password_an_admin_chose(client, signed_in, program_admin):
    signed_in(program_admin)
    response = client.get(reverse("admin:accounts_user_add"))
    assert response.status_code == 403


def test_a_program_admin_can_send_a_password_reset_instead(client, signed_in, program_admin, review_lead, mailoutbox):
    signed_in(program_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [review_lead.pk]},
    )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[review_lead.email]]
    assert "reset" in mailoutbox[0].body.lower()
