"""Uploading supporting documents: only PDF, DOCX, XLSX and CSV, checked by their content."""

import csv
import hashlib
import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from determinations.events import EventType
from determinations.models import Document, DocumentKind, Submission
from determinations.services.events import event_record

EXTENSIONS = {
    ".pdf": DocumentKind.PDF,
    ".docx": DocumentKind.DOCX,
    ".xlsx": DocumentKind.XLSX,
    ".csv": DocumentKind.CSV,
}
OOXML_PARTS = {DocumentKind.DOCX: "word/document.xml", DocumentKind.XLSX: "xl/workbook.xml"}


class DocumentRejected(Exception):
    """The file cannot be accepted; the message names the file and says why."""


def document_kind_detect(*, name: str, content: bytes) -> str:
    """The document's kind from its extension, confirmed by what the bytes actually are."""
    extension = PurePath(name).suffix.lower()
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise DocumentRejected(
            f"{name} is a {extension or 'file without an extension'}: upload a PDF, DOCX, XLSX or CSV file."
        )
    label = DocumentKind(kind).label
    if kind == DocumentKind.PDF and not content.startswith(b"%PDF-"):
        raise DocumentRejected(f"{name} is named like a PDF, but its content is not a PDF document.")
    if kind in OOXML_PARTS and not _is_office_document(content, OOXML_PARTS[kind]):
        raise DocumentRejected(f"{name} is named like a {label}, but its content is not one.")
    if kind == DocumentKind.CSV and not _is_csv_text(content):
        raise DocumentRejected(f"{name} is named like a CSV file, but it is not readable comma-separated text.")
    return kind


def _is_office_document(content: bytes, main_part: str) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and main_part in names


def _is_csv_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    try:
        rows = list(csv.reader(io.StringIO(text[:65536])))
    except csv.Error:
        return False
    return bool(rows)


def document_upload(
    *,
    submission: Submission,
    actor,
    uploaded_file: UploadedFile,
    section: str,
    description: str = "",
    information_request=None,
) -> Document:
    """Check and store one uploaded file for a draft submission, or for the answer to a CMS question
    (``information_request``); raises ``DocumentRejected``."""
    name = PurePath(uploaded_file.name or "upload").name
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise DocumentRejected(
            f"{name} is {filesizeformat(uploaded_file.size)}; a document can be at most {filesizeformat(limit)}."
        )
    if uploaded_file.size == 0:
        raise DocumentRejected(f"{name} is empty.")
    content = b"".join(uploaded_file.chunks())
    kind = document_kind_detect(name=name, content=content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        document = Document(
            submission=submission,
            section=section,
            description=description,
            original_name=name,
            kind=kind,
            size=len(content),
            sha256=digest,
            uploaded_by=actor,
            information_request=information_request,
        )
        uploaded_file.seek(0)
        document.file.save(name, uploaded_file, save=False)
        document.save()
        event_record(
            submission,
            EventType.DOCUMENT_UPLOADED,
            actor=actor,
            payload={"document": document.pk, "name": name, "section": section, "sha256": digest},
        )
    return document


def document_remove(*, document: Document, actor) -> None:
    with transaction.atomic():
        event_record(
            document.submission,
            EventType.DOCUMENT_REMOVED,
            actor=actor,
            payload={"name": document.original_name, "sha256": document.sha256},
        )
        stored = document.file
        document.delete()
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
