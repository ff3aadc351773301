"""Who may open which accounts page: one matrix of every page × every role, and the styled error pages."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from accounts.models import Invitation

from .helpers import BANNER, ROLE_HOMES

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "payer_submitter",
    "payer_admin",
    "clinician_submitter",
    "reviewer",
    "review_lead",
    "program_admin",
]
STAFF = {"reviewer", "review_lead", "program_admin"}
PAYER_MEMBERS = {"payer_submitter", "payer_admin"}

OK = ("ok", None)
LOGIN = ("login", None)
HOME = ("home", None)
GONE = ("gone", None)
NOT_FOUND = ("not_found", None)


def denied(reason):
    return ("denied", reason)


def only(allowed, reason, *, anonymous=LOGIN, hidden_from=()):
    """200 for the roles in ``allowed``, the 404 page for those in ``hidden_from`` (another organization's
    page answers like a missing one), the 403 page with ``reason`` for other signed-in roles."""
    return {
        role: anonymous
        if role == "anonymous"
        else OK
        if role in allowed
        else NOT_FOUND
        if role in hidden_from
        else denied(reason)
        for role in ROLES
    }


def signed_in_all(outcome, *, anonymous=LOGIN):
    return {role: anonymous if role == "anonymous" else outcome for role in ROLES}


PAYER_INVITE_REASON = (
    "Only an organization admin of Test State Medicaid Agency or a program admin can invite people to it."
)
APM_INVITE_REASON = "Only an organization admin of Test APM Entity or a program admin can invite people to it."

# Paths use {a} for the payer organization (payer submitter and admin) and {b} for the APM Entity (clinician).
MATRIX = {
    "/home/": signed_in_all(HOME),
    "/dashboard/": {role: HOME if role in STAFF else outcome for role, outcome in signed_in_all(OK).items()},
    "/accounts/profile/": signed_in_all(OK),
    "/accounts/password_change/": signed_in_all(OK),
    "/accounts/password_change/done/": signed_in_all(OK),
    "/review/": only({"reviewer", "review_lead"}, "This page is for review leads or reviewers only."),
    "/review/lead/": only({"review_lead"}, "This page is for review leads only."),
    "/program/": only({"program_admin"}, "This page is for program admins only."),
    "/program/windows/new/": only({"program_admin"}, "This page is for program admins only."),
    "/organizations/": only({"program_admin", "review_lead"}, "This page is for program admins or review leads only."),
    "/organizations/{a}/": only(PAYER_MEMBERS | STAFF, "", hidden_from={"clinician_submitter"}),
    "/organizations/{a}/invite/": only(
        {"payer_admin", "program_admin"}, PAYER_INVITE_REASON, hidden_from={"clinician_submitter"}
    ),
    "/organizations/{b}/": only({"clinician_submitter"} | STAFF, "", hidden_from=PAYER_MEMBERS),
    "/organizations/{b}/invite/": only({"program_admin"}, APM_INVITE_REASON, hidden_from=PAYER_MEMBERS),
    "/organizations/999999/": signed_in_all(NOT_FOUND),
    "/organizations/999999/invite/": signed_in_all(NOT_FOUND),
    "/accounts/invitations/staff/new/": only({"program_admin"}, "Only a program admin can invite CMS staff."),
    "/accounts/invitations/not-a-real-token/": signed_in_all(GONE, anonymous=GONE),
    "/accounts/mfa/setup/": signed_in_all(HOME),
    "/accounts/mfa/verify/": signed_in_all(HOME),
    "/accounts/login/": signed_in_all(("redirect", "/home/"), anonymous=OK),
    "/accounts/password_reset/": signed_in_all(OK, anonymous=OK),
    "/accounts/password_reset/done/": signed_in_all(OK, anonymous=OK),
    "/accounts/reset/done/": signed_in_all(OK, anonymous=OK),
}

CASES = [
    pytest.param(path, role, outcome, id=f"{path.strip('/').replace('/', '.') or 'root'}-{role}")
    for path, outcomes in MATRIX.items()
    for role, outcome in outcomes.items()
]


def test_the_matrix_covers_every_role_for_every_path():
    assert all(set(outcomes) == set(ROLES) for outcomes in MATRIX.values())


@pytest.mark.parametrize("path,role,outcome", CASES)
def test_permission_matrix(client, signed_in, role_user, payer_organization, apm_entity, path, role, outcome):
    if role != "anonymous":
        signed_in(role_user(role))
    url = path.format(a=payer_organization.pk, b=apm_entity.pk)

    response = client.get(url)

    kind, detail = outcome
    if kind == "ok":
        assert response.status_code == 200
        assertContains(response, BANNER)
    elif kind == "login":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"
    elif kind == "home":
        assert response.status_code == 302
        assert response.url == ROLE_HOMES[role]
    elif kind == "redirect":
        assert response.status_code == 302
        assert response.url == detail
    elif kind == "denied":
        assert response.status_code == 403
        assertTemplateUsed(response, "errors/403.html")
        assertContains(response, "You do not have access to this page", status_code=403)
        assertContains(response, detail, status_code=403)
        assertContains(response, BANNER, status_code=403)
    elif kind == "gone":
        assert response.status_code == 410
        assertContains(response, "This invitation cannot be used", status_code=410)
    elif kind == "not_found":
        assert response.status_code == 404
        assertTemplateUsed(response, "errors/404.html")
    else:  # pragma: no cover
        pytest.fail(f"unknown outcome {outcome}")


def test_a_member_of_one_organization_cannot_open_another(client, signed_in, payer_admin, apm_entity):
    signed_in(payer_admin)

    detail = client.get(f"/organizations/{apm_entity.pk}/")
    invite_page = client.get(f"/organizations/{apm_entity.pk}/invite/")
    invite_post = client.post(
        f"/organizations/{apm_entity.pk}/invite/", {"email": "x@example.org", "membership_role": "organization_admin"}
    )

    assert (detail.status_code, invite_page.status_code, invite_post.status_code) == (404, 404, 404)
    for response in (detail, invite_page, invite_post):
        assertNotContains(response, apm_entity.name, status_code=404)
    assert not Invitation.objects.exists()


def test_the_organization_page_shows_members_and_invite_only_to_admins(
    client, signed_in, payer_submitter, payer_admin, payer_organization
):
    signed_in(payer_submitter)
    as_submitter = client.get(f"/organizations/{payer_organization.pk}/")
    signed_in(payer_admin)
    as_admin = client.get(f"/organizations/{payer_organization.pk}/")

    for response in (as_submitter, as_admin):
        assertContains(response, payer_submitter.email)
        assertContains(response, payer_admin.email)
    invite_link = f'href="/organizations/{payer_organization.pk}/invite/"'
    assert invite_link not in as_submitter.content.decode()
    assertContains(as_admin, invite_link)


@pytest.mark.parametrize("role", ["anonymous", "payer_submitter", "reviewer"])
def test_an_unknown_address_gets_the_styled_404_page(client, signed_in, role_user, role):
    if role != "anonymous":
        signed_in(role_user(role))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assertTemplateUsed(response, "errors/404.html")
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, BANNER, status_code=404)


def test_the_admin_site_is_for_program_admins(client, signed_in, reviewer, program_admin):
    signed_in(reviewer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")

    signed_in(program_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/invitation/add/").status_code == 403
