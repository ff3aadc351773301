"""manage.py load_demo_data: demo organizations and one account per role, each able to sign in."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import ACCOUNTS
from accounts.models import Membership, MembershipRole, Organization, OrganizationKind, StaffRole, User

from .helpers import final_path, is_signed_in, post_login

pytestmark = pytest.mark.django_db

STAFF_HOMES = {
    StaffRole.REVIEWER: "/review/",
    StaffRole.REVIEW_LEAD: "/review/lead/",
    StaffRole.PROGRAM_ADMIN: "/program/",
}


def load_demo_data() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = re.search(r"password for all: (\S+)\)", output)
    assert match, output
    return match.group(1)


def snapshot():
    return {
        "organizations": sorted(Organization.objects.values_list("name", "kind", "payer_type", "tin")),
        "users": sorted(User.objects.values_list("email", "staff_role", "is_staff")),
        "memberships": sorted(Membership.objects.values_list("user__email", "organization__name", "role")),
        "devices": sorted(TOTPDevice.objects.values_list("user__email", "confirmed")),
    }


def test_loading_twice_creates_each_thing_once(db):
    load_demo_data()
    first = snapshot()
    load_demo_data()

    assert snapshot() == first
    assert Organization.objects.count() == 6
    assert User.objects.count() == len(ACCOUNTS) == 9
    assert TOTPDevice.objects.count() == 3


def test_one_organization_of_each_kind(db):
    load_demo_data()

    payers = Organization.objects.filter(kind=OrganizationKind.PAYER)
    assert sorted(payers.values_list("payer_type", flat=True)) == sorted(
        ["medicaid", "medicare_health_plan", "multi_payer_model", "other_payer"]
    )
    entity = Organization.objects.get(kind=OrganizationKind.APM_ENTITY)
    assert entity.apm_entity_identifier
    practice = Organization.objects.get(kind=OrganizationKind.PRACTICE)
    assert re.fullmatch(r"\d{9}", practice.tin)


def test_one_account_per_role(db):
    load_demo_data()

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


def test_the_output_lists_every_account_and_the_staff_secrets(db):
    output = load_demo_data()

    lines = output.splitlines()
    for account in ACCOUNTS:
        [line] = [line for line in lines if f" {account.email}" in line]
        if account.staff_role:
            assert f"TOTP secret: {account.totp_secret}" in line
        else:
            assert "TOTP secret" not in line
    assert "manage.py demo_totp" in output


def test_only_print_loads_nothing(db):
    out = StringIO()
    call_command("load_demo_data", "--only-print", stdout=out)

    assert "payer.admin@demo.example" in out.getvalue()
    assert not User.objects.exists()


def test_reloading_restores_a_changed_password(client, db):
    password = printed_password(load_demo_data())
    user = User.objects.get(email="payer.admin@demo.example")
    user.set_password("someone-changed-it")
    user.save()

    load_demo_data()

    assert User.objects.get(pk=user.pk).check_password(password)


@pytest.mark.parametrize("account", ACCOUNTS, ids=[account.email for account in ACCOUNTS])
def test_every_demo_account_signs_in_and_reaches_its_home(client, account):
    password = printed_password(load_demo_data())

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
