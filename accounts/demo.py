"""Demo organizations and one account per role, so anyone can try every part of the portal."""

from base64 import b32decode, b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from determinations.choices import PayerType
from determinations.models import PerformanceYear
from determinations.services.demo_requests import demo_requests_load
from determinations.services.windows import demonstration_windows_open

from . import services
from .models import MembershipRole, Organization, OrganizationKind, StaffRole, User

DEMO_PASSWORD = "demo-portal-password"

ORGANIZATIONS = {
    "medicaid": dict(name="Demo State Medicaid Agency", kind=OrganizationKind.PAYER, payer_type=PayerType.MEDICAID),
    "mhp": dict(
        name="Demo Medicare Advantage Plan", kind=OrganizationKind.PAYER, payer_type=PayerType.MEDICARE_HEALTH_PLAN
    ),
    "multi_payer": dict(
        name="Demo Multi-Payer Model Payer", kind=OrganizationKind.PAYER, payer_type=PayerType.MULTI_PAYER_MODEL
    ),
    "commercial": dict(
        name="Demo Commercial Health Plan", kind=OrganizationKind.PAYER, payer_type=PayerType.OTHER_PAYER
    ),
    "apm_entity": dict(
        name="Demo Accountable Care APM Entity", kind=OrganizationKind.APM_ENTITY, apm_entity_identifier="A-DEMO-0001"
    ),
    "practice": dict(name="Demo Family Practice", kind=OrganizationKind.PRACTICE, tin="123456789"),
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role_label: str
    staff_role: str = ""
    organization: str = ""
    membership_role: str = ""

    @property
    def totp_secret(self) -> str:
        """A fixed base32 secret per staff account, so an authenticator app set up once keeps working."""
        return b32encode(self.email.encode().ljust(20, b"#")[:20]).decode()


ACCOUNTS = [
    DemoAccount(
        "payer.admin@demo.example",
        "Pat Payer-Admin",
        "Payer organization admin (Medicaid)",
        organization="medicaid",
        membership_role=MembershipRole.ORGANIZATION_ADMIN,
    ),
    DemoAccount(
        "payer.submitter@demo.example",
        "Sam Submitter",
        "Payer submitter (commercial)",
        organization="commercial",
        membership_role=MembershipRole.SUBMITTER,
    ),
    DemoAccount(
        "mhp.submitter@demo.example",
        "Mel Health-Plan",
        "Payer submitter (Medicare Health Plan)",
        organization="mhp",
        membership_role=MembershipRole.SUBMITTER,
    ),
    DemoAccount(
        "multipayer.submitter@demo.example",
        "Max Multi-Payer",
        "Payer submitter (Multi-Payer Model)",
        organization="multi_payer",
        membership_role=MembershipRole.SUBMITTER,
    ),
    DemoAccount(
        "clinician@demo.example",
        "Dr. Casey Clinician",
        "APM Entity submitter",
        organization="apm_entity",
        membership_role=MembershipRole.SUBMITTER,
    ),
    DemoAccount(
        "practice.admin@demo.example",
        "Parker Practice",
        "Practice organization admin",
        organization="practice",
        membership_role=MembershipRole.ORGANIZATION_ADMIN,
    ),
    DemoAccount("reviewer@demo.example", "Riley Reviewer", "CMS reviewer", staff_role=StaffRole.REVIEWER),
    DemoAccount("lead@demo.example", "Lee Review-Lead", "CMS review lead", staff_role=StaffRole.REVIEW_LEAD),
    DemoAccount("admin@demo.example", "Ari Program-Admin", "CMS program admin", staff_role=StaffRole.PROGRAM_ADMIN),
]


@dataclass(frozen=True)
class DemoData:
    accounts: list[DemoAccount]
    windows: list  # the demonstration windows, one per process and payer type
    requests_created: list


@transaction.atomic
def demo_data_load(*, now=None) -> DemoData:
    """Create or refresh the demo organizations, accounts, demonstration windows and requests.

    Safe to run any number of times: accounts are refreshed, the demonstration windows move to
    stay open around today, and only requests the organizations lack are added. Windows and
    requests need the reference data (``load_reference_data``) and are skipped without it.
    """
    organizations = demo_accounts_load()
    if not PerformanceYear.objects.exists():
        return DemoData(ACCOUNTS, [], [])
    windows = demonstration_windows_open(now=now)
    users = {user.email: user for user in User.objects.filter(email__in=[a.email for a in ACCOUNTS])}
    member_of = {a.email: organizations[a.organization] for a in ACCOUNTS if a.organization}
    created = demo_requests_load(users=users, organizations=member_of, now=now)
    return DemoData(ACCOUNTS, windows, created)


@transaction.atomic
def demo_accounts_load() -> dict[str, Organization]:
    """Create or refresh the demo organizations and one account per role; returns the organizations by key."""
    organizations = {}
    for key, fields in ORGANIZATIONS.items():
        organizations[key], _ = Organization.objects.update_or_create(name=fields["name"], defaults=fields)
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first() or User(email=account.email)
        user.full_name = account.full_name
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.staff_role:
            services.user_set_staff_role(user=user, staff_role=account.staff_role)
            _demo_totp_device(user, account.totp_secret)
        else:
            services.membership_grant(
                user=user, organization=organizations[account.organization], role=account.membership_role
            )
    return organizations


def _demo_totp_device(user: User, secret: str) -> TOTPDevice:
    key = b32decode(secret).hex()
    device = TOTPDevice.objects.filter(user=user, name="Demo authenticator").first()
    if device is None:
        device = TOTPDevice(user=user, name="Demo authenticator")
    device.key = key
    device.confirmed = True
    device.save()
    return device


def demo_totp_code(email: str) -> str:
    """The current code of a demo staff account's authenticator, as an app would show it."""
    device = TOTPDevice.objects.get(user__email__iexact=email, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
