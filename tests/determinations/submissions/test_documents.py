"""Supporting documents: only real PDF, DOCX, XLSX and CSV files up to 20 MB, for the right people."""

import io
import re
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse

from determinations.services.documents import DocumentRejected, document_kind_detect
from tests.factories import PDF_BYTES
from tests.support import sign_in

from .flow import start_request, upload, window

pytestmark = pytest.mark.django_db

ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def office_file(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("contract.pdf", PDF_BYTES, "pdf"),
        ("Contract.PDF", PDF_BYTES, "pdf"),
        ("terms.docx", office_file("word/document.xml"), "docx"),
        ("rates.xlsx", office_file("xl/workbook.xml"), "xlsx"),
        ("participants.csv", b"tin,name\n123456789,Example Practice\n", "csv"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(name, content, kind):
    assert document_kind_detect(name=name, content=content) == kind


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("contract.pdf", ELF_EXECUTABLE, "its content is not a PDF document"),
        ("terms.docx", office_file("xl/workbook.xml"), "named like a Word document (DOCX), but its content is not one"),
        ("rates.xlsx", b"PK\x03\x04not really a zip", "its content is not one"),
        ("data.csv", b"\x00\x01\x02binary", "not readable comma-separated text"),
        ("setup.exe", ELF_EXECUTABLE, "upload a PDF, DOCX, XLSX or CSV file"),
        ("noextension", PDF_BYTES, "file without an extension"),
    ],
)
def test_disguised_or_unsupported_files_are_refused(name, content, message):
    with pytest.raises(DocumentRejected, match=re.escape(message)):
        document_kind_detect(name=name, content=content)


def test_upload_stores_kind_size_digest_outside_the_web_root(
    client, reference_data, march_2026, commercial_payer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    assert upload(client, submission).status_code == 302
    document = submission.documents.get()
    assert (document.kind, document.size, document.original_name) == ("pdf", len(PDF_BYTES), "contract.pdf")
    assert len(document.sha256) == 64
    stored = tmp_path / document.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert document.sha256 in document.file.name and "contract" not in document.file.name


def test_executable_renamed_pdf_is_refused_on_the_page(
    client, reference_data, march_2026, commercial_payer, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    assert upload(client, submission, name="good.pdf").status_code == 302
    response = upload(client, submission, name="invoice.pdf", content=ELF_EXECUTABLE)
    assert response.status_code == 400
    assert "invoice.pdf is named like a PDF, but its content is not a PDF document." in response.content.decode()
    assert list(submission.documents.values_list("original_name", flat=True)) == ["good.pdf"]


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_oversize_file_is_refused(client, reference_data, march_2026, commercial_payer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    response = upload(client, submission, name="big.pdf", content=PDF_BYTES + b"0" * 2048)
    # Refused as it streams in, before the form (qppportal/uploads.py, decision 0029).
    assert response.status_code == 413
    assert "files can be at most 1 KB. Nothing was saved." in response.content.decode()
    assert submission.documents.count() == 0


def test_documents_download_only_for_members_and_staff(
    client, reference_data, march_2026, commercial_payer, medicaid_payer, reviewer, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, commercial_payer)
    submission = start_request(client, window(2027, "payer_initiated", "other_payer"))
    upload(client, submission)
    document = submission.documents.get()
    url = reverse("determinations:document_download", args=[submission.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="contract.pdf"' in response["Content-Disposition"]

    sign_in(client, medicaid_payer)
    refused = client.get(url)
    assert refused.status_code == 404  # like a request that does not exist

    client.logout()
    assert client.get(url).status_code == 302
