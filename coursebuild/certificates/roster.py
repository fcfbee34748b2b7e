"""Stage 1 for certificates: read a cohort folder (roster/<cohort-id>/) into typed objects.

A cohort folder holds cohort.yml (dates, venue, organisers, signatories, eligibility rules),
trainees.csv or trainees.xlsx (one row per trainee), and files the build keeps there:
numbers.csv (the serial registry), revoked.txt (revoked certificate numbers) and .secret (the
per-cohort key behind the check codes). Nothing here writes: `load_cohort` returns the cohort as far
as it could be read and every problem, each pointing at a file, row and column.

Real rosters are personal data (PDPA). They stay in roster/, which git ignores except the
synthetic sample cohort; only hashes ever reach the public site (see verify.py).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from coursebuild.problems import Problem, relpath
from coursebuild.source.model import Organiser, convert, spec
from coursebuild.source.yamlsource import Located, load_yaml
from coursebuild.thai import buddhist_year, normalise_name

ROSTER_DIR = "roster"
COHORT_FILE = "cohort.yml"
TRAINEE_FILES = ("trainees.csv", "trainees.xlsx")
REGISTRY_FILE = "numbers.csv"
REVOKED_FILE = "revoked.txt"
SECRET_FILE = ".secret"
SECRET_ENV_PREFIX = "OSD_CERT_SECRET_"
DEFAULT_NUMBER_PATTERN = "อสด-{year}-{cohort}-{serial:04d}-{check}"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

# Accepted prefixes, each mapped to the full form printed on the certificate.
PREFIXES = {
    "นาย": "นาย", "นาง": "นาง", "นางสาว": "นางสาว", "เด็กชาย": "เด็กชาย", "เด็กหญิง": "เด็กหญิง",
    "น.ส.": "นางสาว", "ด.ช.": "เด็กชาย", "ด.ญ.": "เด็กหญิง",
}


# --- cohort.yml ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Signatory:
    name: str = field(metadata=spec("ชื่อผู้ลงนาม", "พิมพ์ใต้ลายมือชื่อ เช่น นายสมมุติ ตัวอย่าง"))
    position: str = field(metadata=spec("ตำแหน่ง", "ตำแหน่งของผู้ลงนาม พิมพ์ใต้ชื่อ"))
    signature: str = field(default="", metadata=spec("ไฟล์ลายมือชื่อ", "รูปลายมือชื่อ (PNG หรือ SVG) เทียบกับ cohort.yml ไม่ใส่ = เว้นที่ให้ลงนามด้วยปากกา"))


@dataclass(frozen=True)
class Eligibility:
    min_hours: Optional[int] = field(default=None, metadata=spec("ชั่วโมงอบรมขั้นต่ำ", "ใช้อย่างใดอย่างหนึ่งกับ min_attendance_percent", min=0, max=1000))
    min_attendance_percent: Optional[int] = field(default=None, metadata=spec("ร้อยละการเข้าอบรมขั้นต่ำ", "ต้องใส่ course_hours ด้วย", min=1, max=100))
    course_hours: Optional[int] = field(default=None, metadata=spec("ชั่วโมงอบรมทั้งหมดของรุ่น", "ใช้คำนวณร้อยละการเข้าอบรม", min=1, max=1000))
    min_score: Optional[int] = field(default=None, metadata=spec("คะแนนขั้นต่ำ", "ไม่ใส่ = ไม่ใช้คะแนนเป็นเกณฑ์", min=0, max=1000))
    max_score: int = field(default=100, metadata=spec("คะแนนเต็ม", "", min=1, max=1000))


@dataclass(frozen=True)
class CohortConfig:
    course: str = field(metadata=spec("รหัสหลักสูตร", "ต้องตรงกับ id ใน course/course.yml"))
    code: str = field(metadata=spec("รหัสรุ่น", "อักษรอังกฤษตัวใหญ่และตัวเลข ใช้ในเลขที่วุฒิบัตร เช่น BKK1", pattern=r"^[A-Z0-9]{1,12}$"))
    title: str = field(metadata=spec("ชื่อรุ่น", "เช่น รุ่นที่ 1 กรุงเทพมหานคร"))
    start_date: str = field(metadata=spec("วันเริ่มอบรม", "ปี ค.ศ. แบบ YYYY-MM-DD เช่น 2022-03-11 (วุฒิบัตรพิมพ์เป็น พ.ศ.)", pattern=ISO_DATE))
    venue: str = field(metadata=spec("สถานที่อบรม"))
    organisers: list[Organiser] = field(metadata=spec("หน่วยงานผู้จัด", "ตราสัญลักษณ์พิมพ์บนวุฒิบัตรตามลำดับนี้", min_items=1))
    signatories: list[Signatory] = field(metadata=spec("ผู้ลงนาม", "หนึ่งถึงสามคน", min_items=1))
    eligibility: Eligibility = field(metadata=spec("เกณฑ์การได้รับวุฒิบัตร"))
    end_date: Optional[str] = field(default=None, metadata=spec("วันสิ้นสุดการอบรม", "ไม่ใส่ = อบรมวันเดียว", pattern=ISO_DATE))
    issue_date: Optional[str] = field(default=None, metadata=spec("วันที่ให้ไว้", "วันที่พิมพ์ว่า ให้ไว้ ณ วันที่ ไม่ใส่ = วันสิ้นสุดการอบรม", pattern=ISO_DATE))
    number_pattern: str = field(default=DEFAULT_NUMBER_PATTERN, metadata=spec(
        "รูปแบบเลขที่วุฒิบัตร", "ใช้ {year} {cohort} {serial} และต้องมี {check} (รหัสตรวจสอบ)"))
    thai_numerals: Optional[bool] = field(default=None, metadata=spec("ใช้เลขไทย", "ไม่ใส่ = ตาม course.yml"))


# --- trainees -----------------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    # field: accepted headers (compared after lower-casing and collapsing spaces)
    "no": ("ลำดับ", "ลำดับที่", "ที่", "no", "no."),
    "prefix": ("คำนำหน้า", "คำนำหน้าชื่อ", "prefix", "title"),
    "first_name": ("ชื่อ", "first_name", "first name", "firstname"),
    "last_name": ("นามสกุล", "สกุล", "last_name", "last name", "lastname", "surname"),
    "province": ("จังหวัด", "province"),
    "district": ("อำเภอ", "เขต", "district"),
    "subdistrict": ("ตำบล", "แขวง", "subdistrict"),
    "village": ("หมู่บ้าน", "village"),
    "hours": ("ชั่วโมงอบรม", "ชั่วโมง", "hours"),
    "score": ("คะแนน", "คะแนนสอบ", "score"),
}
REQUIRED_COLUMNS = ("prefix", "first_name", "last_name")
_HEADER_TO_FIELD = {header: name for name, headers in COLUMNS.items() for header in headers}


@dataclass(frozen=True)
class Trainee:
    line: int  # row in the CSV (physical line) or in the worksheet
    prefix: str  # full form, e.g. นางสาว
    first_name: str  # normalised (thai.normalise_name)
    last_name: str
    no: str = ""
    province: str = ""
    district: str = ""
    subdistrict: str = ""
    village: str = ""
    hours: Optional[float] = None
    score: Optional[float] = None
    name_columns: tuple[int, int] = field(default=(0, 0), compare=False)  # of first_name, last_name

    @property
    def full_name(self) -> str:
        """As printed: the prefix joined to a Thai first name, as Thai documents write it."""
        joiner = "" if "\u0e00" <= self.first_name[:1] <= "\u0e7f" else " "
        return f"{self.prefix}{joiner}{self.first_name} {self.last_name}"

    @property
    def name_key(self) -> str:
        """The name as the verify page compares it: no prefix, no spaces, lower case."""
        return name_key(f"{self.first_name} {self.last_name}")

    @property
    def place(self) -> str:
        return " / ".join(part for part in (self.village, self.subdistrict, self.district, self.province) if part)

    @property
    def key(self) -> tuple[str, str]:
        """Who this is, for duplicates and the serial registry: the name and where they live."""
        return self.name_key, place_key(self.place)


def name_key(name: str) -> str:
    """Mirrors nameKey() in theme/certificate/verify.js; change both together."""
    return re.sub(r"\s+", "", normalise_name(name)).lower()


def place_key(place: str) -> str:
    return normalise_name(place).lower()


# --- the loaded cohort --------------------------------------------------------------------------

@dataclass(frozen=True)
class RegistryEntry:
    serial: int
    name: str
    place: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return name_key(self.name), place_key(self.place)


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str
    line: int


@dataclass(frozen=True)
class Cohort:
    id: str  # the folder name
    folder: Path
    path: str  # folder relative to the project root, for messages
    config: CohortConfig
    trainees: list[Trainee]  # valid rows only, in roster order
    trainee_file: str  # relative path of trainees.csv / .xlsx
    registry: list[RegistryEntry]
    revocations: list[Revocation]
    secret: str  # "" until the first build creates one
    numerals: bool  # Thai numerals on print (cohort setting, else the course's)
    start: dt.date
    end: dt.date
    issued: dt.date

    def image(self, relative: str) -> Path:
        return (self.folder / relative).resolve()


@dataclass(frozen=True)
class LoadedCohort:
    """A cohort and its problems, split by whether --skip-invalid may leave them out."""

    cohort: Optional[Cohort]
    problems: list[Problem]  # errors here stop the cohort
    row_problems: list[Problem]  # bad trainee rows: skippable


def load_cohort(folder: Path, root: Path, course_id: str, default_numerals: bool) -> LoadedCohort:
    folder = folder.resolve()
    rel = relpath(folder, root)
    config_path = folder / COHORT_FILE
    config_rel = relpath(config_path, root)
    if not config_path.is_file():
        return LoadedCohort(None, [Problem(config_rel, 0, 0, "missing-file", f"{rel} has no {COHORT_FILE}",
                                           "copy roster/sample-2565-bkk/cohort.yml and edit it")], [])
    config, tree, problems = _load_config(config_path, config_rel)
    if config is not None:
        problems += _check_config(config, tree, folder, config_rel, course_id)
    trainees, trainee_rel, row_problems, file_problems = _load_trainees(folder, root, config)
    problems += file_problems
    registry, sub = _load_registry(folder / REGISTRY_FILE, root)
    problems += sub
    revocations, sub = _load_revocations(folder / REVOKED_FILE, root)
    problems += sub
    secret, sub = load_secret(folder, root)
    problems += sub
    if config is None or trainees is None or any(p.is_error for p in problems):
        return LoadedCohort(None, problems, row_problems)
    start = dt.date.fromisoformat(config.start_date)
    end = dt.date.fromisoformat(config.end_date) if config.end_date else start
    issued = dt.date.fromisoformat(config.issue_date) if config.issue_date else end
    numerals = default_numerals if config.thai_numerals is None else config.thai_numerals
    cohort = Cohort(folder.name, folder, rel, config, trainees, trainee_rel, registry, revocations, secret,
                    numerals, start, end, issued)
    return LoadedCohort(cohort, problems, row_problems)


def _load_config(path: Path, rel: str) -> tuple[Optional[CohortConfig], Optional[Located], list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, None, [Problem(rel, 0, 0, "not-utf8", "the file is not UTF-8 text",
                                    "save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)")]
    tree, problems = load_yaml(text, rel)
    if tree is None:
        return None, None, problems
    tree = _dates_as_text(tree)
    config, sub = convert(CohortConfig, tree, rel, COHORT_FILE)
    return config, tree, problems + sub


def _dates_as_text(item: Located) -> Located:
    """YAML reads 2022-03-11 as a date; the model keeps dates as ISO text (and so does its schema)."""
    value = item.value
    if isinstance(value, dict):
        value = {k: _dates_as_text(v) for k, v in value.items()}
    elif isinstance(value, list):
        value = [_dates_as_text(v) for v in value]
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return dataclasses.replace(item, value=value)


def _field(tree: Located, *keys: str | int) -> Located:
    """The located value at a path of keys/indexes (the closest existing one if a key is absent)."""
    item = tree
    for key in keys:
        value = item.value
        if isinstance(value, dict) and key in value:
            item = value[key]
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            item = value[key]
        else:
            break
    return item


def _check_config(config: CohortConfig, tree: Located, folder: Path, rel: str, course_id: str) -> list[Problem]:
    problems: list[Problem] = []

    def add(at: Located, code: str, message: str, hint: str) -> None:
        problems.append(Problem(rel, at.line, at.column, code, message, hint))

    if config.course != course_id:
        add(_field(tree, "course"), "cohort-wrong-course",
            f"this cohort is for course '{config.course}', but course/course.yml has id '{course_id}'",
            f"write course: {course_id}")
    dates = {}
    for name in ("start_date", "end_date", "issue_date"):
        text = getattr(config, name)
        if text is None:
            continue
        at = _field(tree, name)
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            add(at, "bad-date", f"{name} '{text}' is not a real date", "write YYYY-MM-DD, e.g. 2022-03-11")
            continue
        if date.year > 2300:
            add(at, "bad-date", f"{name} {text} looks like a Buddhist Era year",
                f"write the year in ค.ศ. ({date.year - 543}); the certificate prints พ.ศ. itself")
            continue
        dates[name] = date
    if "start_date" in dates and "end_date" in dates and dates["end_date"] < dates["start_date"]:
        add(_field(tree, "end_date"), "bad-date", "end_date is before start_date", "swap or fix the dates")
    if len(config.signatories) > 3:
        add(_field(tree, "signatories"), "too-many-items",
            f"a certificate has room for 3 signatories, found {len(config.signatories)}", "keep at most 3")

    rules = config.eligibility
    at = _field(tree, "eligibility")
    if rules.min_hours is not None and rules.min_attendance_percent is not None:
        add(at, "eligibility-rule", "eligibility has both min_hours and min_attendance_percent",
            "keep one of them")
    if rules.min_attendance_percent is not None and rules.course_hours is None:
        add(at, "eligibility-rule", "min_attendance_percent needs course_hours (the hours of the whole course)",
            "add course_hours: under eligibility")
    if rules.min_score is not None and rules.min_score > rules.max_score:
        add(_field(tree, "eligibility", "min_score"), "eligibility-rule",
            f"min_score {rules.min_score} is above max_score {rules.max_score}", "lower min_score")

    problems += _check_number_pattern(config.number_pattern, _field(tree, "number_pattern"), rel)

    for index, organiser in enumerate(config.organisers):
        if organiser.logo:
            problems += _check_image(folder, organiser.logo, _field(tree, "organisers", index, "logo"), rel,
                                     "missing-logo", f"logo of {organiser.short_name or organiser.name}")
    for index, signatory in enumerate(config.signatories):
        if signatory.signature:
            problems += _check_image(folder, signatory.signature, _field(tree, "signatories", index, "signature"),
                                     rel, "missing-signature", f"signature of {signatory.name}")
    return problems


NUMBER_FIELDS = {"year", "cohort", "serial", "check"}


def _check_number_pattern(pattern: str, at: Located, rel: str) -> list[Problem]:
    def problem(message: str, hint: str) -> list[Problem]:
        return [Problem(rel, at.line, at.column, "bad-number-pattern", message, hint)]

    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        format_number(pattern, 2565, "X", 1, "CHECK")
    except (ValueError, KeyError, IndexError) as exc:
        return problem(f"number_pattern '{pattern}' cannot be used: {exc}",
                       f"use the fields {{year}}, {{cohort}}, {{serial:04d}} and {{check}}, e.g. {DEFAULT_NUMBER_PATTERN}")
    unknown = fields - NUMBER_FIELDS
    if unknown:
        return problem(f"number_pattern has unknown field(s): {', '.join(sorted(unknown))}",
                       "only {year}, {cohort}, {serial} and {check} can be used")
    if not {"serial", "check"} <= fields:
        return problem("number_pattern must contain {serial} and {check}",
                       f"the check code makes a number impossible to guess; e.g. {DEFAULT_NUMBER_PATTERN}")
    if re.search(r"[a-z]", re.sub(r"\{[^}]*\}", "", pattern)):
        return problem("number_pattern has lower-case letters",
                       "use upper-case letters: the verify page reads numbers in upper case")
    if re.search(r"[\s/\\#?%]", pattern):
        return problem("number_pattern has spaces or one of / \\ # ? %",
                       "use letters, digits and '-' so the number is also a safe file name and URL")
    return []


def format_number(pattern: str, year: int, cohort: str, serial: int, check: str) -> str:
    return pattern.format(year=year, cohort=cohort, serial=serial, check=check)


def number_prefix(config: CohortConfig, start: dt.date) -> str:
    """The fixed text every number of the cohort starts with (before {serial} or {check})."""
    head = []
    for literal, name, spec_, _ in string.Formatter().parse(config.number_pattern):
        head.append(literal)
        if name is None:
            continue
        if name in ("serial", "check"):
            break
        head.append(format(buddhist_year(start) if name == "year" else config.code, spec_ or ""))
    return "".join(head)


def _check_image(folder: Path, relative: str, at: Located, rel: str, code: str, what: str) -> list[Problem]:
    path = (folder / relative).resolve()
    if not path.is_file():
        return [Problem(rel, at.line, at.column, code, f"the {what} '{relative}' does not exist",
                        "put the image file in the cohort folder and give its path relative to cohort.yml")]
    if path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
        return [Problem(rel, at.line, at.column, code, f"the {what} '{relative}' is not SVG, PNG or JPEG",
                        "export the image as SVG or PNG")]
    return []


# --- reading the trainee table ------------------------------------------------------------------

_Cell = tuple[object, int]  # (value, 1-based column)


def _load_trainees(folder: Path, root: Path, config: Optional[CohortConfig]
                   ) -> tuple[Optional[list[Trainee]], str, list[Problem], list[Problem]]:
    """Returns (trainees or None, file path, row problems, file problems)."""
    found = [folder / name for name in TRAINEE_FILES if (folder / name).is_file()]
    if len(found) != 1:
        rel = relpath(folder / TRAINEE_FILES[0], root)
        if not found:
            return None, rel, [], [Problem(rel, 0, 0, "missing-file", "the cohort has no trainees.csv or trainees.xlsx",
                                           "add the roster; see roster/README.md for the columns")]
        return None, rel, [], [Problem(relpath(found[1], root), 0, 0, "roster-ambiguous",
                                       "the cohort has both trainees.csv and trainees.xlsx",
                                       "keep one of them")]
    path = found[0]
    rel = relpath(path, root)
    rows, problems = _read_xlsx(path, rel) if path.suffix == ".xlsx" else _read_csv(path, rel)
    if rows is None:
        return None, rel, [], problems
    header_line, header = rows[0] if rows else (1, [])
    columns, sub = _map_columns(header, header_line, rel)
    problems += sub
    if any(p.is_error for p in problems):
        return None, rel, [], problems
    rules = config.eligibility if config else Eligibility()
    needed = ["hours"] if rules.min_hours is not None or rules.min_attendance_percent is not None else []
    needed += ["score"] if rules.min_score is not None else []
    missing = [name for name in needed if name not in columns]
    if missing:
        return None, rel, [], problems + [Problem(
            rel, header_line, 0, "roster-missing-column",
            f"the eligibility rules need the column(s) {', '.join(COLUMNS[m][0] + '/' + m for m in missing)}",
            "add the column, or remove the rule from cohort.yml")]
    trainees: list[Trainee] = []
    row_problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows[1:]:
        cells = {name: (values[index] if index < len(values) else None, index + 1) for name, index in columns.items()}
        if all(_text(value) == "" for value, _ in cells.values()):
            continue
        trainee, sub = _trainee(line, cells, rel, rules)
        row_problems += sub
        if trainee is None:
            continue
        if trainee.key in seen:
            row_problems.append(Problem(rel, line, cells["first_name"][1], "duplicate-trainee",
                                        f"{trainee.full_name} ({trainee.place or 'no village given'}) is listed twice "
                                        f"(first on row {seen[trainee.key]})", "delete one of the rows"))
            continue
        seen[trainee.key] = line
        trainees.append(trainee)
    if not trainees and not row_problems:
        problems.append(Problem(rel, header_line, 0, "roster-empty", "the roster has no trainees",
                                "add one row per trainee under the header row"))
    return trainees, rel, row_problems, problems


def _read_csv(path: Path, rel: str) -> tuple[Optional[list[tuple[int, list[object]]]], list[Problem]]:
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


def _read_xlsx(path: Path, rel: str) -> tuple[Optional[list[tuple[int, list[object]]]], list[Problem]]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return None, [Problem(rel, 0, 0, "roster-unreadable", f"the workbook cannot be read: {exc}",
                              "save it again from Excel or LibreOffice as .xlsx")]
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for index, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if rows or any(_text(v) for v in values):
                rows.append((index, list(values)))
    finally:
        workbook.close()
    return rows, []


def _header_text(value: object) -> str:
    text = "".join(ch for ch in _text(value) if unicodedata.category(ch) != "Cf").strip().lower()
    return " ".join(text.replace("*", "").split())


def _map_columns(header: list[object], line: int, rel: str) -> tuple[dict[str, int], list[Problem]]:
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, value in enumerate(header):
        text = _header_text(value)
        if not text:
            continue
        name = _HEADER_TO_FIELD.get(text)
        if name is None:
            problems.append(Problem(rel, line, index + 1, "roster-unknown-column", f"unknown column '{_text(value)}'",
                                    "it is ignored; known columns are listed in roster/README.md",
                                    severity="warning"))
        elif name in columns:
            problems.append(Problem(rel, line, index + 1, "roster-duplicate-column",
                                    f"column '{_text(value)}' repeats column {columns[name] + 1}",
                                    "keep one of them"))
        else:
            columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(Problem(rel, line, 0, "roster-missing-column",
                                    f"the header row has no {COLUMNS[name][0]} ({name}) column",
                                    "the first row must name the columns; see roster/README.md"))
    return columns, problems


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _trainee(line: int, cells: dict[str, _Cell], rel: str, rules: Eligibility) -> tuple[Optional[Trainee], list[Problem]]:
    problems: list[Problem] = []

    def bad(name: str, code: str, message: str, hint: str) -> None:
        problems.append(Problem(rel, line, cells[name][1], code, message, hint))

    text = {name: normalise_name(_text(value)) for name, (value, _) in cells.items()}
    for name in ("first_name", "last_name"):
        raw = _text(cells[name][0])
        if not text[name]:
            bad(name, "missing-name", f"row {line} has no {COLUMNS[name][0]} ({name})", "fill in the trainee's name")
        elif any(unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") for ch in raw):
            bad(name, "bad-name", f"{COLUMNS[name][0]} on row {line} contains control or unassigned characters",
                "retype the name; it may have been pasted from another program")
        elif unicodedata.category(text[name][0]).startswith("M"):
            bad(name, "bad-name", f"{COLUMNS[name][0]} on row {line} starts with a vowel or tone mark "
                                  f"('{text[name][0]}') that needs a letter before it",
                "retype the name; a letter was probably lost when it was copied")
    prefix = PREFIXES.get(text["prefix"].replace(" ", ""))
    if prefix is None:
        found = text["prefix"]
        glued = next((p for p in sorted(PREFIXES, key=len, reverse=True) if text["first_name"].startswith(p)), "")
        if not found and glued:
            hint = f"the first name starts with '{glued}': move it to the คำนำหน้า column"
        else:
            hint = f"use one of: {', '.join(PREFIXES)}"
        bad("prefix", "unknown-prefix",
            f"row {line} has the prefix '{found}', which is not a recognised name prefix" if found
            else f"row {line} has no prefix (คำนำหน้า)", hint)
    numbers = {}
    for name, limit in (("hours", 1000.0), ("score", float(rules.max_score))):
        if name not in cells or not text[name]:
            numbers[name] = None
            continue
        value = _number(cells[name][0])
        if value is None:
            bad(name, "not-a-number", f"{COLUMNS[name][0]} on row {line} is '{text[name]}', not a number",
                "write digits only, e.g. 12 or 12.5")
        elif not 0 <= value <= limit:
            bad(name, "out-of-range", f"{COLUMNS[name][0]} on row {line} is {text[name]}, outside 0–{limit:g}",
                "check the value" + (" or max_score in cohort.yml" if name == "score" else ""))
        numbers[name] = value
    if problems:
        return None, problems
    other = {name: text.get(name, "") for name in ("no", "province", "district", "subdistrict", "village")}
    return Trainee(line, prefix, text["first_name"], text["last_name"], hours=numbers["hours"],
                   score=numbers["score"], name_columns=(cells["first_name"][1], cells["last_name"][1]),
                   **other), []


_THAI_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _number(value: object) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value).translate(_THAI_TO_ASCII).replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    return float(text)


# --- eligibility --------------------------------------------------------------------------------

def not_eligible_reasons(trainee: Trainee, rules: Eligibility) -> list[str]:
    """Why a trainee gets no certificate (Thai, for the staff report); empty when eligible."""
    reasons = []
    if rules.min_hours is not None or rules.min_attendance_percent is not None:
        if trainee.hours is None:
            reasons.append("ไม่มีข้อมูลชั่วโมงอบรม")
        elif rules.min_hours is not None and trainee.hours < rules.min_hours:
            reasons.append(f"อบรม {_fmt(trainee.hours)} ชั่วโมง ไม่ถึงเกณฑ์ {rules.min_hours} ชั่วโมง")
        elif rules.min_attendance_percent is not None:
            percent = 100 * trainee.hours / rules.course_hours
            if percent < rules.min_attendance_percent:
                reasons.append(f"เข้าอบรมร้อยละ {_fmt(round(percent, 1))} ไม่ถึงเกณฑ์ร้อยละ {rules.min_attendance_percent}")
    if rules.min_score is not None:
        if trainee.score is None:
            reasons.append("ไม่มีคะแนนสอบ")
        elif trainee.score < rules.min_score:
            reasons.append(f"คะแนน {_fmt(trainee.score)} ไม่ถึงเกณฑ์ {rules.min_score}")
    return reasons


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- files the build keeps in the cohort folder -------------------------------------------------

REGISTRY_HEADER = ["serial", "name", "place"]


def _load_registry(path: Path, root: Path) -> tuple[list[RegistryEntry], list[Problem]]:
    if not path.is_file():
        return [], []
    rel = relpath(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(rel, 0, 0, "not-utf8", "the serial registry is not UTF-8 text",
                            "restore it from your backup; never re-save it in another encoding")]
    reader = csv.reader(io.StringIO(text, newline=""))
    entries: list[RegistryEntry] = []
    problems: list[Problem] = []
    serials: dict[int, int] = {}
    keys: dict[tuple[str, str], int] = {}
    for values in reader:
        line = reader.line_num
        if line == 1:
            if values != REGISTRY_HEADER:
                problems.append(Problem(rel, 1, 0, "bad-registry", f"the header should be {','.join(REGISTRY_HEADER)}",
                                        "restore the file from your backup"))
                break
            continue
        if not values:
            continue
        if len(values) != 3 or not values[0].isdigit():
            problems.append(Problem(rel, line, 0, "bad-registry", "this row is not 'serial,name,place'",
                                    "restore the file from your backup"))
            continue
        entry = RegistryEntry(int(values[0]), values[1], values[2], line)
        if entry.serial in serials:
            problems.append(Problem(rel, line, 1, "bad-registry",
                                    f"serial {entry.serial} is given twice (first on line {serials[entry.serial]})",
                                    "a serial belongs to one certificate forever; restore the file from your backup"))
            continue
        if entry.key in keys:
            problems.append(Problem(rel, line, 2, "bad-registry",
                                    f"{entry.name} has two serials (first on line {keys[entry.key]})",
                                    "keep the first row; revoke the other number if it was printed"))
            continue
        serials[entry.serial] = line
        keys[entry.key] = line
        entries.append(entry)
    return entries, problems


def _load_revocations(path: Path, root: Path) -> tuple[list[Revocation], list[Problem]]:
    if not path.is_file():
        return [], []
    rel = relpath(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(rel, 0, 0, "not-utf8", "revoked.txt is not UTF-8 text", "save it as UTF-8")]
    revocations = []
    for line, raw in enumerate(text.splitlines(), 1):
        number, _, reason = raw.partition("#")
        number = number.strip()
        if number:
            revocations.append(Revocation(number, reason.strip(), line))
    return revocations, []


def secret_env_name(cohort_id: str) -> str:
    return SECRET_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", cohort_id.upper())


def load_secret(folder: Path, root: Path) -> tuple[str, list[Problem]]:
    """The cohort's check-code key: env var OSD_CERT_SECRET_<COHORT>, else roster/<cohort>/.secret."""
    env = secret_env_name(folder.name)
    value, where = os.environ.get(env, ""), env
    path = folder / SECRET_FILE
    if not value and path.is_file():
        value, where = path.read_text(encoding="ascii", errors="replace").strip(), relpath(path, root)
    if value and not re.fullmatch(r"[0-9a-f]{32,}", value):
        return "", [Problem(where, 0, 0, "bad-secret", "the certificate secret is not at least 32 hex digits",
                            "restore it from your backup: every printed check code depends on it")]
    return value, []
