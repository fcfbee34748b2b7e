"""cohort.yml: dates, venue, organisers, signatories, eligibility rules and the number pattern."""
from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from coursebuild.problems import Problem
from coursebuild.source.limits import MAX_YAML_BYTES
from coursebuild.source.model import Organiser, convert, spec
from coursebuild.source.prefixes import PrefixEntry, Wording
from coursebuild.source.yamlsource import Located, load_yaml
from coursebuild.thai import buddhist_year

COHORT_FILE = "cohort.yml"


# Without number_pattern in cohort.yml, a number is the course's mark (from its short name, e.g.
# อสด. → อสด, or its id), the Buddhist year, the cohort code, the serial and the check code:
# อสด-2565-BKK1-0007-K3M9Q2TX. See default_number_pattern.
NUMBER_PATTERN_TAIL = "-{year}-{cohort}-{serial:04d}-{check}"
EXAMPLE_NUMBER_PATTERN = "ABC" + NUMBER_PATTERN_TAIL  # for hints: never any one course's mark


ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


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
    number_pattern: Optional[str] = field(default=None, metadata=spec(
        "รูปแบบเลขที่วุฒิบัตร", "ใช้ {year} {cohort} {serial} และต้องมี {check} (รหัสตรวจสอบ) "
        "ไม่ใส่ = ชื่อย่อหลักสูตร-{year}-{cohort}-{serial:04d}-{check} ห้ามเปลี่ยนหลังออกเลขที่แล้ว"))
    thai_numerals: Optional[bool] = field(default=None, metadata=spec("ใช้เลขไทย", "ไม่ใส่ = ตาม course.yml"))
    prefixes: list[PrefixEntry] = field(default_factory=list, metadata=spec(
        "คำนำหน้าชื่อเพิ่มเติมของรุ่น", "เพิ่มจากรายการของหลักสูตร รูปแบบเดียวกับ theme/certificate/prefixes.yml"))
    wordings: list[Wording] = field(default_factory=list, metadata=spec(
        "ถ้อยคำบนวุฒิบัตรเพิ่มเติมของรุ่น", "รูปแบบเดียวกับ wordings: ใน theme/certificate/prefixes.yml"))


def load_cohort_config(path: Path, rel: str) -> tuple[Optional[CohortConfig], Optional[Located], list[Problem]]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)  # load_yaml refuses more; never read a huge file whole
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        return None, None, [Problem(rel, 0, 0, "unreadable", f"cannot read the file: {exc.strerror}", "")]
    except UnicodeDecodeError:
        return None, None, [Problem(rel, 0, 0, "not-utf8", "the file is not UTF-8 text",
                                    "save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)")]
    tree, problems = load_yaml(text, rel)
    if tree is None:
        return None, None, problems
    # Our YAML reader has no date type: 2022-03-11 is the text the model's ISO pattern expects,
    # and check_cohort_config says which dates are not real (2022-02-30).
    config, sub = convert(CohortConfig, tree, rel, COHORT_FILE)
    return config, tree, problems + sub


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


def check_cohort_config(config: CohortConfig, tree: Located, folder: Path, rel: str, course_id: str) -> list[Problem]:
    problems: list[Problem] = []

    def add(at: Located, code: str, message: str, hint: str) -> None:
        problems.append(Problem(rel, at.line, at.column, code, message, hint))

    if config.course != course_id:
        add(_field(tree, "course"), "cohort-wrong-course",
            f"this cohort is for course '{config.course}', but course/course.yml has id '{course_id}'",
            f"if this cohort was trained in this course, write course: {course_id}; if it belongs to another "
            "course (such as the sample cohort after `build.py init`), move its folder out of roster/ instead, "
            "or its trainees would get this course's certificates")
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

    if config.number_pattern is not None:
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
                       f"use the fields {{year}}, {{cohort}}, {{serial:04d}} and {{check}}, e.g. {EXAMPLE_NUMBER_PATTERN}")
    unknown = fields - NUMBER_FIELDS
    if unknown:
        return problem(f"number_pattern has unknown field(s): {', '.join(sorted(unknown))}",
                       "only {year}, {cohort}, {serial} and {check} can be used")
    if not {"serial", "check"} <= fields:
        return problem("number_pattern must contain {serial} and {check}",
                       f"the check code makes a number impossible to guess; e.g. {EXAMPLE_NUMBER_PATTERN}")
    if re.search(r"[a-z]", re.sub(r"\{[^}]*\}", "", pattern)):
        return problem("number_pattern has lower-case letters",
                       "use upper-case letters: the verify page reads numbers in upper case")
    if pattern.startswith(("=", "+", "-", "@")):
        return problem("number_pattern starts with = + - or @, which a spreadsheet reads as a formula",
                       f"start it with letters, e.g. {EXAMPLE_NUMBER_PATTERN}")
    if re.search(r"[\s/\\#?%]", pattern):
        return problem("number_pattern has spaces or one of / \\ # ? %",
                       "use letters, digits and '-' so the number is also a safe file name and URL")
    return []


def number_mark(name: str) -> str:
    """A course's short name or id as the start of a certificate number: Thai letters, digits,
    upper-case Latin letters and single '-' (อสด. → อสด, health-osm → HEALTH-OSM), so the
    number stays a safe file name and URL and reads the same typed in upper case."""
    mark = re.sub(r"[^0-9A-Za-z\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e-]+", "", unicodedata.normalize("NFC", name)).upper()
    mark = re.sub(r"-{2,}", "-", mark).strip("-")
    return mark[:16] or "CERT"


def default_number_pattern(mark_source: str) -> str:
    """The number pattern of a cohort whose cohort.yml gives none, from the course's short name."""
    return number_mark(mark_source) + NUMBER_PATTERN_TAIL


def course_number_pattern(course) -> str:
    """The number pattern of a cohort whose cohort.yml gives none: the course's short name first
    (course.yml short_name, else the title's brackets, else the id: what the app icon shows)."""
    from coursebuild.icons import short_name

    return default_number_pattern(short_name(course))


def format_number(pattern: str, year: int, cohort: str, serial: int, check: str) -> str:
    return pattern.format(year=year, cohort=cohort, serial=serial, check=check)


def number_prefix(pattern: str, config: CohortConfig, start: dt.date) -> str:
    """The fixed text every number of the cohort starts with (before {serial} or {check})."""
    head = []
    for literal, name, spec_, _ in string.Formatter().parse(pattern):
        head.append(literal)
        if name is None:
            continue
        if name in ("serial", "check"):
            break
        head.append(format(buddhist_year(start) if name == "year" else config.code, spec_ or ""))
    return "".join(head)


def _check_image(folder: Path, relative: str, at: Located, rel: str, code: str, what: str) -> list[Problem]:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):  # "..", an absolute path or a link out
        return [Problem(rel, at.line, at.column, "path-outside", f"the {what} '{relative}' is outside the cohort folder",
                        "copy the image into the cohort folder and give its file name")]
    if not path.is_file():
        return [Problem(rel, at.line, at.column, code, f"the {what} '{relative}' does not exist",
                        "put the image file in the cohort folder and give its path relative to cohort.yml")]
    if path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
        return [Problem(rel, at.line, at.column, code, f"the {what} '{relative}' is not SVG, PNG or JPEG",
                        "export the image as SVG or PNG")]
    return []
