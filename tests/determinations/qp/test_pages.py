"""The program admin's QP page (upload, run, counts, CSV) and the results clinicians and APM Entities see."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import MembershipRole, OrganizationKind
from determinations.models import ClinicianNpi, ParticipationUpload, QPDeterminationRun
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "qp_participation_sample.csv"


@pytest.fixture
def demo_entity(db):
    return OrganizationFactory(kind=OrganizationKind.APM_ENTITY, payer_type="", apm_entity_identifier="A-DEMO-0001")


@pytest.fixture(autouse=True)
def worker(django_capture_on_commit_callbacks):
    """The eager Celery worker runs what a request queued once its transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def upload(client, worker):
    def post(client, year=2026, snapshot=1, content=None, name="sample.csv"):
        data = SimpleUploadedFile(name, content if content is not None else SAMPLE.read_bytes(), "text/csv")
        with worker():
            url = reverse("determinations:participation_upload")
            return client.post(url, {"performance_year": year, "snapshot": snapshot, "file": data})

    return post


@pytest.fixture
def run_batch(worker):
    def post(client, year=2026, snapshot=1):
        with worker():
            return client.post(
                reverse("determinations:qp_run"), {"run-performance_year": year, "run-snapshot": snapshot}
            )

    return post


def test_program_admin_uploads_runs_and_downloads(
    client, signed_in, program_admin, years, demo_entity, upload, run_batch
):
    client = signed_in(program_admin)
    response = upload(client)
    assert response.status_code == 302
    detail = client.get(response.url)
    assert b"All 8 rows are good and loaded" in detail.content
    response = run_batch(client)
    run = QPDeterminationRun.objects.get()
    assert response.url == reverse("determinations:qp_run_detail", args=[run.pk])
    assert (run.status, run.is_current, run.started_by) == ("finished", True, program_admin)
    page = client.get(reverse("determinations:qp_program")).content.decode()
    assert "<td>2</td><td>5</td><td>1</td>" in page  # QP, Partial QP, not a QP in 2026 snapshot 1
    csv_response = client.get(reverse("determinations:qp_run_results_csv", args=[run.pk]))
    body = b"".join(csv_response.streaming_content).decode()
    assert body.replace("\r\n", "\n") == (SAMPLE.parent / "qp_results_sample.csv").read_text().replace("\r\n", "\n")


def test_bad_upload_lists_each_row(client, signed_in, program_admin, years, demo_entity, upload):
    client = signed_in(program_admin)
    text = SAMPLE.read_text().replace("A-DEMO-0001", "A-OTHER-9", 1).replace("1000000020", "1000000021")
    response = upload(client, content=text.encode())
    detail = client.get(response.url).content.decode()
    assert "2 of 8 rows are bad, so nothing was loaded" in detail
    assert "APM Entity A-OTHER-9 is not a known APM Entity" in detail
    assert "1000000021 is not an NPI: its check digit is wrong" in detail
    errors = client.get(reverse("determinations:participation_upload_errors_csv", args=[response.url.split("/")[-2]]))
    assert b"".join(errors.streaming_content).decode().splitlines()[1:] == [
        "2,APM Entity A-OTHER-9 is not a known APM Entity",
        "3,1000000021 is not an NPI: its check digit is wrong",
    ]
    assert ParticipationUpload.objects.get().status == "rejected"


def test_run_refused_without_data_says_why(client, signed_in, program_admin, years, run_batch):
    response = run_batch(signed_in(program_admin), 2025, 2)
    assert response.status_code == 409
    assert b"No participation data is loaded for 2025 snapshot 2" in response.content


def test_upload_form_refuses_a_non_csv(client, signed_in, program_admin, years, upload):
    response = upload(signed_in(program_admin), name="figures.xlsx")
    assert response.status_code == 400
    assert b"Upload a .csv file." in response.content


@pytest.mark.parametrize("who", ["reviewer", "clinician_submitter"])
def test_only_program_admins_run_batches(client, signed_in, years, who, request):
    response = signed_in(request.getfixturevalue(who)).get(reverse("determinations:qp_program"))
    assert response.status_code == 403


@pytest.fixture
def determined(client, signed_in, program_admin, years, demo_entity, upload, run_batch):
    client = signed_in(program_admin)
    upload(client)
    run_batch(client)
    client.logout()


def test_entity_member_sees_its_clinicians(client, signed_in, demo_entity, determined):
    member = MembershipFactory(organization=demo_entity, role=MembershipRole.SUBMITTER).user
    client = signed_in(member)
    listing = client.get(reverse("determinations:qp_status_list")).content.decode()
    assert listing.count("/qp/2026/") == 8
    page = client.get(reverse("determinations:qp_clinician", args=[2026, "1000000061"])).content.decode()
    assert "Snapshot 1 (January 1 - March 31): QP" in page
    assert "61.404%" in page and "75%" in page  # the All-Payer payment score beside its QP threshold
    assert "qualifying APM conversion factor" in page
    assert "weighted Medicare Threshold Score" in page
    partial = client.get(reverse("determinations:qp_clinician", args=[2026, "1000000012"])).content.decode()
    assert "What it would take to become a QP" in partial
    assert "Partial QP election" in partial


def test_clinician_sees_only_their_own_npi(client, signed_in, determined):
    clinician = UserFactory()
    ClinicianNpi.objects.create(user=clinician, npi="1000000087")
    client = signed_in(clinician)
    assert client.get(reverse("determinations:qp_status_list")).content.decode().count("/qp/2026/") == 1
    page = client.get(reverse("determinations:qp_clinician", args=[2026, "1000000087"])).content.decode()
    assert "below the lowest Medicare minimum" in page
    assert client.get(reverse("determinations:qp_clinician", args=[2026, "1000000061"])).status_code == 404
    outsider = OrganizationFactory(kind=OrganizationKind.APM_ENTITY, payer_type="", apm_entity_identifier="B-2")
    other = MembershipFactory(organization=outsider).user
    assert signed_in(other).get(reverse("determinations:qp_clinician", args=[2026, "1000000087"])).status_code == 404
