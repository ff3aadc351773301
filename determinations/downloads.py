"""Streamed CSV and JSON downloads: one place that writes them, and defuses spreadsheet formulas.

Names in every download come from submitters, so a cell that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, a tab or a carriage return first) is written with a leading
apostrophe. Rows are read lazily and sent as they are written, so a download of any size keeps
memory flat and starts at once.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A write-only file for ``csv.writer``: each ``write`` returns the line for streaming."""

    def write(self, value):
        return value


def csv_cell(value) -> str:
    """A cell's text: local date and time for a datetime, and never a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
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
