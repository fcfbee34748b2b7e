"""CSV cells that a spreadsheet shows as text and never runs (CSV injection).

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (and, in some versions,
tab or carriage return) as a formula: a roster name such as =HYPERLINK("http://…","click") would
become a live link in numbers.csv or summary.csv. Following OWASP's advice on CSV injection, we
write such a cell with a leading single quote ('), which the spreadsheet shows as text.

To read our own files back exactly, a cell that itself starts with ' gets one more: so reading
removes exactly one leading ' from any cell that has one, and every value round-trips.
"""
from __future__ import annotations

from collections.abc import Iterable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_cell(value: object) -> object:
    """A value as it should be written to a CSV cell. Numbers are left alone: they are data."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    return [spreadsheet_cell(v) for v in values]


def read_cell(text: str) -> str:
    """The value of a cell we wrote with `spreadsheet_cell`."""
    return text[1:] if text.startswith("'") else text
