"""The accounts pages put each form's fields, CSRF token and button in one <form>, never a form in a form."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import MembershipRole
from tests.factories import TEST_PASSWORD

from .helpers import post_login

pytestmark = pytest.mark.django_db


class FormCollector(HTMLParser):
    """Each <form> with the names of the inputs and buttons inside it; notes any nesting."""

    def __init__(self):
        super().__init__()
        self.forms, self.open, self.nested = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.nested = self.nested or bool(self.open)
            form = {"attrs": attrs, "names": [], "values": {}}
            self.forms.append(form)
            self.open.append(form)
        elif tag in {"input", "button", "select", "textarea"} and self.open and attrs.get("name"):
            self.open[-1]["names"].append(attrs["name"])
            self.open[-1]["values"][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self.open:
            self.open.pop()


def forms_of(response):
    parser = FormCollector()
    parser.feed(response.content.decode())
    assert not parser.nested, "a <form> inside another <form>"
    return parser.forms


def form_with(response, field):
    [form] = [form for form in forms_of(response) if field in form["names"]]
    assert form["attrs"].get("method") == "post"
    assert form["names"].count("csrfmiddlewaretoken") == 1
    return form


def test_sign_in(client):
    form = form_with(client.get(reverse("login")), "username")

    assert {"username", "password", "next", "submit"} <= set(form["names"])
    assert form["attrs"]["action"] == reverse("login")


def test_sign_in_works_with_csrf_checks_on(payer_submitter):
    client = Client(enforce_csrf_checks=True)
    form = form_with(client.get(reverse("login")), "username")

    response = client.post(
        form["attrs"]["action"],
        {**form["values"], "username": payer_submitter.email, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == "/home/"


def test_mfa_setup_and_verify(client, reviewer):
    post_login(client, reviewer.email)
    setup = form_with(client.get(reverse("accounts:mfa_setup")), "code")
    TOTPDevice.objects.filter(user=reviewer).update(confirmed=True)
    verify = form_with(client.get(reverse("accounts:mfa_verify")), "code")

    for form in (setup, verify):
        assert {"code", "next", "submit"} <= set(form["names"])


def test_invitation_pages(client, signed_in, payer_admin, payer_organization, program_admin):
    signed_in(payer_admin)
    form_with(client.get(reverse("accounts:invitation_create_organization", args=[payer_organization.pk])), "email")
    signed_in(program_admin)
    form_with(client.get(reverse("accounts:invitation_create_staff")), "staff_role")
    _, token = services.invitation_create(
        invited_by=payer_admin,
        email="new@example.org",
        organization=payer_organization,
        membership_role=MembershipRole.SUBMITTER,
    )
    client.logout()

    form = form_with(client.get(reverse("accounts:invitation_accept", args=[token])), "password1")

    assert {"full_name", "password1", "password2", "submit"} <= set(form["names"])


def test_password_pages(client, payer_submitter):
    form_with(client.get(reverse("password_reset")), "email")
    post_login(client, payer_submitter.email)
    form_with(client.get(reverse("password_change")), "old_password")
