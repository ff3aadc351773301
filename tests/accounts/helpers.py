"""Small helpers shared by the accounts tests: signing in by POST, one-time codes, mailed links."""

import re
from io import StringIO
from urllib.parse import urlsplit

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP

from tests.factories import TEST_PASSWORD

BANNER = "An official website of the United States government"
LOGIN_URL = reverse("login")

ROLE_HOMES = {
    "payer_submitter": "/dashboard/",
    "payer_admin": "/dashboard/",
    "clinician_submitter": "/dashboard/",
    "reviewer": "/review/",
    "review_lead": "/review/lead/",
    "program_admin": "/program/",
}
STAFF_ROLES = ["reviewer", "review_lead", "program_admin"]
ORGANIZATION_ROLES = ["payer_submitter", "payer_admin", "clinician_submitter"]


def post_login(client, email, password=TEST_PASSWORD, *, next_url=None, follow=False):
    """Sign in the way a person does: a POST of the sign-in form (so django-axes sees the attempt)."""
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN_URL, data, follow=follow)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def totp_code(device, *, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now for ``device`` (``offset_steps`` steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_totp_code(device) -> str:
    """A six-digit code that matches none of the codes the device accepts around now."""
    accepted = {totp_code(device, offset_steps=step) for step in range(-2, 3)}
    return next(f"{n:06d}" for n in range(123456, 10**6) if f"{n:06d}" not in accepted)


def final_path(response) -> str:
    """The path a followed response ended on."""
    return response.request["PATH_INFO"]


def last_mail_link(pattern: str) -> str:
    """The path of the one link matching ``pattern`` in the only e-mail sent."""
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    match = re.search(pattern, mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return urlsplit(match.group(0)).path


def load_demo_data() -> str:
    """Run ``manage.py load_demo_data`` and return what it printed."""
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    """The demo accounts' password, as ``load_demo_data`` printed it."""
    match = re.search(r"password for all: (\S+)\)", output)
    assert match, output
    return match.group(1)
