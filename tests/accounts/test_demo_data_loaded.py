"""What one load of the demo data (``manage.py load_demo_data``) holds: an organization of each kind, one
account per role, every account able to sign in and reach its home, and the printed account list.

The demo data are loaded once for the module (``tests.support.built_once_for_the_module``: loading them
is most of a test's time); what a test writes (a sign-in, a used one-time code) is rolled back after
it. The command's own behaviour (loading twice, a changed password restored) is in ``test_demo_data.py``.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import ACCOUNTS
from accounts.models import Membership, MembershipRole, Organization, OrganizationKind, StaffRole, User
from tests.support import built_once_for_the_module

from .helpers import final_path, is_signed_in, load_demo_data, post_login, printed_password

pytestmark = pytest.mark.django_db

STAFF_HOMES = {
    StaffRole.REVIEWER: "/review/",
    StaffRole.REVIEW_LEAD: "/review/lead/",
    StaffRole.PROGRAM_ADMIN: "/program/",
}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """What ``load_demo_data`` printed, the demo data being in the database."""
    with built_once_for_the_module(django_db_blocker):
        yield load_demo_data()


def test_one_organization_of_each_kind(loaded):
    payers = Organization.objects.filter(kind=OrganizationKind.PAYER)
    assert sorted(payers.values_list("payer_type", flat=True)) == sorted(
        ["medicaid", "medicare_health_plan", "multi_payer_model", "other_payer"]
    )
    entity = Organization.objects.get(kind=OrganizationKind.APM_ENTITY)
    assert entity.apm_entity_identifier
    practice = Organization.objects.get(kind=OrganizationKind.PRACTICE)
    assert re.fullmatch(r"\d{9}", practice.tin)


def test_one_account_per_role(loaded):
    staff_roles = sorted(User.objects.exclude(staff_role="").values_list("staff_role", flat=True))
    assert staff_roles == sorted(["reviewer", "review_lead", "program_admin"])
    assert User.objects.get(staff_role=StaffRole.PROGRAM_ADMIN).is_staff
    assert not User.objects.filter(is_staff=True).exclude(staff_role=StaffRole.PROGRAM_ADMIN).exists()
    memberships = Membership.objects.select_related("organization")
    assert memberships.filter(role=MembershipRole.ORGANIZATION_ADMIN, organization__kind="payer").exists()
    assert memberships.filter(role=MembershipRole.SUBMITTER, organization__kind="payer").exists()
    assert memberships.filter(role=MembershipRole.SUBMITTER, organization__kind="apm_entity").exists()
    assert memberships.filter(role=MembershipRole.ORGANIZATION_ADMIN, organization__kind="practice").exists()
    # Every staff account has exactly one confirmed authenticator; nobody else has one.
    for user in User.objects.all():
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == (1 if user.staff_role else 0)


def test_the_output_lists_every_account_and_the_staff_secrets(loaded):
    output = loaded

    lines = output.splitlines()
    for account in ACCOUNTS:
        [line] = [line for line in lines if f" {account.email}" in line]
        if account.staff_role:
            assert f"TOTP secret: {account.totp_secret}" in line
        else:
            assert "TOTP secret" not in line
    assert "manage.py demo_totp" in output


@pytest.mark.parametrize("account", ACCOUNTS, ids=[account.email for account in ACCOUNTS])
def test_every_demo_account_signs_in_and_reaches_its_home(client, loaded, account):
    password = printed_password(loaded)

    response = post_login(client, account.email, password, follow=True)

    assert is_signed_in(client)
    if account.staff_role:
        assert final_path(response) == "/accounts/mfa/verify/"
        out = StringIO()
        call_command("demo_totp", account.email, stdout=out)
        response = client.post(
            "/accounts/mfa/verify/?next=%2Fhome%2F", {"code": out.getvalue().strip(), "next": "/home/"}, follow=True
        )
        home = STAFF_HOMES[account.staff_role]
    else:
        home = "/dashboard/"
        organization = Organization.objects.get(memberships__user__email=account.email)
        assert organization.name in response.content.decode()
    assert response.status_code == 200
    assert final_path(response) == home
