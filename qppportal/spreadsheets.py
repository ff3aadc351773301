"""Every CSV the portal writes goes through ``SafeWriter``: no cell is ever a spreadsheet formula.

Names, answers and uploaded values come from people outside CMS. A cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by Excel, LibreOffice and
Google Sheets (``=HYPERLINK(...)`` sends whoever opens the file to any address), so such a cell is
written with a leading apostrophe, which spreadsheets show as text (OWASP, "CSV Injection").
A spreadsheet set up for semicolon-, tab- or bar-separated files splits a cell at those characters
whatever our quoting, so a formula character after one of them (and any quotes or spaces) gets the
same apostrophe. Numbers are written as they are: a negative amount is a number, not a formula.
"""

import csv
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_AFTER_OTHER_SEPARATOR = re.compile(r"""([;\t|]["\s]*)(?=[=+\-@])""")


def spreadsheet_text(value) -> str:
    """``value`` as a cell's text that a spreadsheet shows and never runs (``None`` is an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = FORMULA_AFTER_OTHER_SEPARATOR.sub(r"\1'", str(value))
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` with every cell through ``spreadsheet_text``; ``writerow`` returns what the
    target's ``write`` returns, so with ``Echo`` it gives the lines of a streamed download."""

    def __init__(self, target, **options):
        self._writer = csv.writer(target, **options)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_text(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


class Echo:
    """A write-only file whose ``write`` returns the line: ``SafeWriter(Echo()).writerow(row)`` is the CSV line."""

    def write(self, value):
        return value
