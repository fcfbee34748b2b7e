"""Reading the trainee table's cells: CSV in the encodings Thai offices use, or the first worksheet
of an .xlsx workbook (saved formula results, never a formula without one)."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional

from coursebuild.problems import Problem

Rows = list[tuple[int, list[object]]]  # (row number in the file, cell values)

# Rosters come from the office, not from a pull request, and may be big: one trainee per village
# of Thailand (75,086; bench/certificates.py) is a 14 MB CSV. Four times that is a mistake (a
# wrong file, a sheet of formulas dragged down a million rows), not a roster.
MAX_ROSTER_BYTES = 64_000_000


def too_big(path: Path, rel: str) -> Optional[Problem]:
    size = path.stat().st_size
    if size <= MAX_ROSTER_BYTES:
        return None
    return Problem(rel, 0, 0, "file-too-large", f"the file is {size:,} bytes; the build reads at most "
                   f"{MAX_ROSTER_BYTES:,}", "check that this is the right file; split a bigger cohort in two")


def read_csv(path: Path, rel: str) -> tuple[Optional[Rows], list[Problem]]:
    big = too_big(path, rel)
    if big:
        return None, [big]
    text, problem = decode_roster(path.read_bytes(), rel)
    if text is None:
        return None, [problem]
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    line = 1
    try:
        for values in reader:
            if rows or any(v.strip() for v in values):
                rows.append((line, list(values)))
            line = reader.line_num + 1
    except csv.Error as exc:
        return None, [Problem(rel, reader.line_num, 0, "roster-unreadable", f"the CSV cannot be read: {exc}",
                              "check for an unclosed quote (\") in this row")]
    return rows, []


def decode_roster(raw: bytes, rel: str) -> tuple[Optional[str], Optional[Problem]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Thai Windows/TIS-620 (cp874), detected."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    else:
        try:
            return raw.decode("utf-8-sig"), None
        except UnicodeDecodeError as exc:
            bad = exc.start  # where the file stops being UTF-8: the line to look at
        try:
            text = raw.decode("cp874")
        except UnicodeDecodeError:
            text = None
        if text is not None and _looks_thai(text):
            return text, None
        line = raw[:bad].count(b"\n") + 1
        return None, Problem(rel, line, 0, "roster-encoding",
                             "the file is neither UTF-8 nor Thai Windows (TIS-620/cp874) text",
                             "in Excel: Save As → 'CSV UTF-8 (Comma delimited)'; in LibreOffice choose UTF-8")
    return None, Problem(rel, 1, 0, "roster-encoding", "the file starts like UTF-16 but cannot be read as it",
                         "save it as 'CSV UTF-8 (Comma delimited)'")


def _looks_thai(text: str) -> bool:
    """cp874 decodes almost any bytes; accept it only if the non-ASCII text is really Thai."""
    other = [ch for ch in text if ord(ch) >= 0x80]
    thai = sum("\u0e00" <= ch <= "\u0e7f" for ch in other)
    return bool(other) and thai >= 0.9 * len(other)


class UncachedFormula:
    """A worksheet cell holding a formula whose result was never saved (openpyxl cannot compute
    it, and a workbook written by a program other than Excel or LibreOffice often has none)."""

    def __init__(self, coordinate: str, formula: str):
        self.coordinate = coordinate
        self.formula = formula

    def __str__(self) -> str:
        return self.formula  # so the row never looks empty


def read_xlsx(path: Path, rel: str) -> tuple[Optional[Rows], list[Problem]]:
    import zipfile

    import openpyxl

    def rows_of(data_only: bool):
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
        try:
            yield from workbook.worksheets[0].iter_rows(values_only=data_only)
        finally:
            workbook.close()

    big = too_big(path, rel)
    if big:
        return None, [big]
    try:
        # Two passes: formulas with their text, then every cell's saved value. A formula whose
        # value is missing must be an error naming the cell, never an empty score.
        formulas = {(cell.row, cell.column): (cell.coordinate, str(cell.value))
                    for cells in rows_of(False) for cell in cells if getattr(cell, "data_type", "") == "f"}
        rows = []
        for index, values in enumerate(rows_of(True), 1):
            values = [UncachedFormula(*formulas[(index, column)])
                      if value is None and (index, column) in formulas else value
                      for column, value in enumerate(values, 1)]
            if rows or any(cell_text(v) for v in values):
                rows.append((index, values))
    except (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile) as exc:
        return None, [Problem(rel, 0, 0, "roster-unreadable", f"the workbook cannot be read: {exc}",
                              "save it again from Excel or LibreOffice as .xlsx")]
    return rows, []


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
