"""Streamed CSV and JSON downloads: one place that writes them.

Every CSV line goes through ``qppportal.spreadsheets.SafeWriter``, so no cell is a spreadsheet
formula. Rows are read lazily and sent as they are written, so a download of any size keeps
memory flat and starts at once.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone

from qppportal.spreadsheets import Echo, SafeWriter


def csv_cell(value):
    """A datetime as its local date and time; anything else as it is (the writer guards it)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = SafeWriter(Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_download(header: Iterable[str], rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json_object_lines(head: dict, list_key: str, items: Iterable[dict]) -> Iterator[str]:
    encode = DjangoJSONEncoder().encode
    opening = encode(head)
    yield opening[:-1] + (", " if head else "") + f"{encode(list_key)}: ["
    count = 0
    for item in items:
        yield (", " if count else "") + encode(item)
        count += 1
    yield f'], "count": {count}}}'


def json_download(head: dict, list_key: str, items: Iterable[dict]) -> StreamingHttpResponse:
    """One JSON object: ``head``'s keys, then ``list_key`` with every item, then ``count`` (known at the end)."""
    return StreamingHttpResponse(_json_object_lines(head, list_key, items), content_type="application/json")
