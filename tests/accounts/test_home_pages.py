"""Each role's home page, reached through /home/ after signing in."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from accounts.models import MembershipRole, OrganizationKind
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .helpers import BANNER, ROLE_HOMES

pytestmark = pytest.mark.django_db

HOME_TEMPLATES = {
    "payer_submitter": "accounts/home_organization.html",
    "payer_admin": "accounts/home_organization.html",
    "clinician_submitter": "accounts/home_organization.html",
    "reviewer": "accounts/home_reviewer.html",
    "review_lead": "accounts/home_review_lead.html",
    "program_admin": "accounts/home_program_admin.html",
}


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_home_sends_each_role_to_its_own_page(client, signed_in, role_user, role):
    signed_in(role_user(role))

    response = client.get("/home/", follow=True)

    assert response.redirect_chain == [(ROLE_HOMES[role], 302)]
    assert response.status_code == 200
    assertTemplateUsed(response, HOME_TEMPLATES[role])
    assertContains(response, BANNER)


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_the_landing_page_sends_signed_in_people_home(client, signed_in, role_user, role):
    signed_in(role_user(role))

    assertRedirects(client.get("/"), ROLE_HOMES[role], fetch_redirect_response=False)


def test_the_landing_page_is_public(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assertContains(response, BANNER)


@pytest.mark.parametrize("role,label", [("payer_submitter", "submitter"), ("payer_admin", "organization admin")])
def test_the_dashboard_lists_the_payer_organization(client, signed_in, role_user, payer_organization, role, label):
    signed_in(role_user(role))

    response = client.get("/dashboard/")

    assertContains(response, payer_organization.name)
    assertContains(response, "State Medicaid agency")
    assertContains(response, f"You are {label}.")
    assertContains(response, f'href="/organizations/{payer_organization.pk}/"')
    assertNotContains(response, "You are not a member of an organization yet")


def test_the_dashboard_lists_every_organization_and_only_those(client, signed_in, payer_submitter, apm_entity):
    practice = OrganizationFactory(
        kind=OrganizationKind.PRACTICE, payer_type="", tin="987654321", name="Main St Practice"
    )
    MembershipFactory(user=payer_submitter, organization=practice, role=MembershipRole.ORGANIZATION_ADMIN)
    signed_in(payer_submitter)

    response = client.get("/dashboard/")

    assertContains(response, "Test State Medicaid Agency")
    assertContains(response, "Main St Practice")
    assertContains(response, "TIN 987654321")
    assertNotContains(response, apm_entity.name)


def test_the_clinician_dashboard_lists_the_apm_entity(client, signed_in, clinician_submitter, apm_entity):
    signed_in(clinician_submitter)

    response = client.get("/dashboard/")

    assertContains(response, apm_entity.name)
    assertContains(response, "APM Entity")
    assertNotContains(response, "Test State Medicaid Agency")


def test_someone_without_an_organization_is_told_how_to_join(client, signed_in, db):
    signed_in(UserFactory())

    response = client.get("/dashboard/")

    assertContains(response, "You are not a member of an organization yet")


def test_the_reviewer_home_is_the_review_queue(client, signed_in, reviewer):
    signed_in(reviewer)

    assertContains(client.get("/review/"), "<h1>Review queue</h1>", html=True)


def test_the_review_lead_home_lists_reviewers(client, signed_in, review_lead, reviewer):
    signed_in(review_lead)

    response = client.get("/review/lead/")

    assertContains(response, "<h1>Review lead</h1>", html=True)
    assertContains(response, reviewer.email)
    assertNotContains(response, review_lead.email + "</td>")


def test_the_program_admin_home_lists_staff(client, signed_in, program_admin, reviewer, review_lead):
    signed_in(program_admin)

    response = client.get("/program/")

    assertContains(response, "<h1>Program administration</h1>", html=True)
    for person in (program_admin, reviewer, review_lead):
        assertContains(response, person.email)
    assertContains(response, 'href="/accounts/invitations/staff/new/"')


@pytest.mark.parametrize(
    "role,links,not_links",
    [
        ("payer_submitter", ["/dashboard/", "/accounts/profile/"], ["/organizations/", "/admin/"]),
        ("reviewer", ["/review/", "/accounts/profile/"], ["/organizations/", "/admin/"]),
        ("review_lead", ["/review/lead/", "/organizations/"], ["/admin/", "/accounts/invitations/staff/new/"]),
        ("program_admin", ["/program/", "/organizations/", "/admin/", "/accounts/invitations/staff/new/"], []),
    ],
)
def test_the_navigation_follows_the_role(client, signed_in, role_user, role, links, not_links):
    signed_in(role_user(role))

    response = client.get("/accounts/profile/")

    nav = response.content.decode().split('aria-label="Primary navigation"', 1)[1].split("</nav>", 1)[0]
    for link in links:
        assert f'href="{link}"' in nav
    for link in not_links:
        assert f'href="{link}"' not in nav
