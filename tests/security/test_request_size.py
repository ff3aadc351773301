"""Finding 9 of the 2026-11-30 probe: a request body larger than its limit is refused with 413, unread.

The requests go to the WSGI application itself with a body that is produced as it is read, so the
tests see how much of it the portal read and what it left in the upload folder: a body announced
as too large is not read at all; a file part that grows past its limit is refused as it streams,
before it is read whole or kept.
"""

import io

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse

from determinations.models import Document, ParticipationUpload
from tests.factories import SubmissionFactory
from tests.support import sign_in

pytestmark = pytest.mark.django_db

BOUNDARY = "qpp-test-boundary"
MIB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """``length`` bytes of a multipart body made on demand; ``read_bytes`` says how many were asked for."""

    def __init__(self, head: bytes, filler: int, tail: bytes):
        self.parts = [head, filler, tail]
        self.length = len(head) + filler + len(tail)
        self.position = 0
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        head, filler, tail = self.parts
        size = min(len(buffer), self.length - self.position)
        chunk = bytearray()
        while len(chunk) < size:
            at = self.position + len(chunk)
            if at < len(head):
                chunk += head[at : at + size - len(chunk)]
            elif at < len(head) + filler:
                chunk += b"x" * min(size - len(chunk), len(head) + filler - at)
            else:
                offset = at - len(head) - filler
                chunk += tail[offset : offset + size - len(chunk)]
        buffer[:size] = chunk
        self.position += size
        self.read_bytes += size
        return size


def multipart(fields: dict, file_field: str, file_size: int) -> CountingBody:
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return CountingBody(head, file_size, f"\r\n--{BOUNDARY}--\r\n".encode())


def wsgi_post(client, path: str, body: CountingBody, *, content_length: int | None = None):
    """POST ``body`` to ``path`` through the WSGI application with ``client``'s session and CSRF cookie."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BufferedReader(body, buffer_size=64 * 1024),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length if content_length is None else content_length),
        "HTTP_COOKIE": "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items()),
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    # As the test client does: the test's database connection stays open across the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(WSGIHandler()(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], content.decode()


@pytest.fixture
def uploads(settings, tmp_path):
    """Uploads over 64 KiB go to a temporary folder of this test's own, so the test can see what stayed."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    return folder


@pytest.fixture
def draft(reference_data, clock, commercial_payer, client):
    sign_in(client, commercial_payer)
    return SubmissionFactory(member=commercial_payer, state="draft")


def csrf_token(client, page: str) -> str:
    """The CSRF cookie a browser gets with the page of the form."""
    assert client.get(page).status_code == 200
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def document_fields(client, draft) -> dict:
    page = reverse("determinations:submission_documents", args=[draft.pk])
    return {"csrfmiddlewaretoken": csrf_token(client, page), "section": "financial_risk"}


@override_settings(DOCUMENT_MAX_BYTES=MIB)
def test_a_body_announced_larger_than_the_limit_is_refused_unread(client, draft, uploads):
    body = multipart(document_fields(client, draft), "file", 1024 * MIB)  # a 1 GiB upload
    status, page = wsgi_post(client, reverse("determinations:submission_documents", args=[draft.pk]), body)
    assert status == 413
    assert "too large" in page and "1 MB" in page
    assert body.read_bytes == 0
    assert list(uploads.iterdir()) == []
    assert not Document.objects.filter(submission=draft).exists()


@override_settings(DOCUMENT_MAX_BYTES=MIB)
def test_a_file_growing_past_the_limit_is_refused_as_it_streams(client, draft, uploads):
    # Within the request's limit (the file's plus room for the form), but the file itself is over.
    body = multipart(document_fields(client, draft), "file", MIB + 512 * 1024)
    status, page = wsgi_post(client, reverse("determinations:submission_documents", args=[draft.pk]), body)
    assert status == 413
    assert "too large" in page
    assert body.read_bytes < body.length  # stopped before the end, not read whole
    assert body.read_bytes < MIB + 256 * 1024
    assert list(uploads.iterdir()) == []
    assert not Document.objects.filter(submission=draft).exists()


@override_settings(DOCUMENT_MAX_BYTES=MIB)
def test_a_file_within_the_limit_reaches_the_form(client, draft, uploads):
    body = multipart(document_fields(client, draft), "file", MIB - 1024)
    status, _ = wsgi_post(client, reverse("determinations:submission_documents", args=[draft.pk]), body)
    assert status == 302
    assert body.read_bytes == body.length
    assert Document.objects.get(submission=draft).size == MIB - 1024


@override_settings(DOCUMENT_MAX_BYTES=MIB, PARTICIPATION_FILE_MAX_BYTES=4 * MIB)
def test_the_qp_upload_has_its_own_larger_limit(client, reference_data, program_admin, uploads):
    sign_in(client, program_admin)
    fields = {
        "csrfmiddlewaretoken": csrf_token(client, reverse("determinations:qp_program")),
        "performance_year": "2025",
        "snapshot": "1",
    }
    url = reverse("determinations:participation_upload")
    body = multipart(fields, "file", 2 * MIB)
    status, _ = wsgi_post(client, url, body)
    assert status != 413
    assert body.read_bytes == body.length
    body = multipart(fields, "file", 5 * MIB)
    status, page = wsgi_post(client, url, body)
    assert status == 413
    assert "4 MB" in page
    assert body.read_bytes < 4 * MIB + 256 * 1024
    assert ParticipationUpload.objects.count() <= 1


def test_too_much_form_data_is_refused_with_413(client, draft):
    data = {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = client.post(reverse("determinations:submission_participants", args=[draft.pk]), data)
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_the_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * MIB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * MIB
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 2000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 10
    assert settings.FILE_UPLOAD_HANDLERS[0] == "qppportal.uploads.SizeLimitUploadHandler"
