"""Program admins read the All-Payer QP submissions received (the figures the QP batch reads): the list by
performance year and each submitted one's page; never a draft."""

import pytest
from django.urls import reverse

from accounts.models import OrganizationKind
from tests.factories import organization_member
from tests.support import sign_in

from .support import complete_draft, submit

pytestmark = pytest.mark.django_db

LIST_URL = reverse("determinations:all_payer_qp_submissions")


def test_the_list_shows_what_was_submitted_and_no_draft(client, program_admin, entity_member, commercial_2026):
    sent = submit(complete_draft(entity_member, [commercial_2026]), entity_member)
    other = organization_member(OrganizationKind.APM_ENTITY, name="Drafting ACO")
    complete_draft(other, [commercial_2026])
    sign_in(client, program_admin)

    page = client.get(LIST_URL).content.decode()

    assert sent.tracking_number in page
    assert "Test ACO" in page and "APM Entity E1" in page
    assert "Drafting ACO" not in page
    assert "1 submitted for performance year 2026" in page
    assert reverse("determinations:all_payer_qp_detail", args=[sent.pk]) in page


def test_a_program_admin_reads_a_submitted_one_and_never_a_draft(client, program_admin, entity_member, commercial_2026):
    sent = submit(complete_draft(entity_member, [commercial_2026]), entity_member)
    draft = complete_draft(organization_member(OrganizationKind.APM_ENTITY, name="Later ACO"), [commercial_2026])
    sign_in(client, program_admin)

    detail = client.get(reverse("determinations:all_payer_qp_detail", args=[sent.pk]))

    assert detail.status_code == 200
    assert sent.tracking_number in detail.content.decode()
    assert "Shared Savings Plus" in detail.content.decode()
    assert client.get(reverse("determinations:all_payer_qp_detail", args=[draft.pk])).status_code == 404


def test_a_program_admin_changes_nothing_on_a_submitted_one(client, program_admin, entity_member, commercial_2026):
    sent = submit(complete_draft(entity_member, [commercial_2026]), entity_member)
    before = (sent.answers, sent.attestation, sent.arrangements.count())
    sign_in(client, program_admin)

    response = client.post(reverse("determinations:all_payer_qp_section", args=[sent.pk, "submitter"]), {"save": "1"})

    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.answers, sent.attestation, sent.arrangements.count()) == before


def test_an_unknown_year_shows_the_latest(client, program_admin, entity_member, commercial_2026):
    submit(complete_draft(entity_member, [commercial_2026]), entity_member)
    sign_in(client, program_admin)

    page = client.get(LIST_URL, {"year": "1999"}).content.decode()

    assert "1 submitted for performance year 2026" in page
