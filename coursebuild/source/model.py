"""The content model: frozen dataclasses that the loader fills and the renderers only read.

The field metadata is the single schema: `convert()` validates YAML against it, and `schema.py`
turns the same dataclasses into the JSON Schema that editors' tools read. Titles are Thai because
editors see them in their editor's hover help.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from coursebuild.problems import Problem
from coursebuild.source.yamlsource import Located

# The home-screen label: Android cuts longer names with an ellipsis.
SHORT_NAME_PATTERN = r"^\S(?:[^\n]{0,10}\S)?$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def spec(title: str, description: str = "", **rules: Any) -> dict[str, Any]:
    """Field metadata: a Thai title/description plus validation rules (min, max, pattern, min_items…)."""
    return {"title": title, "description": description, **rules}


def internal() -> Any:
    """A field filled by the loader, never written by editors (e.g. a source line)."""
    return field(default=0, compare=False, metadata={"internal": True})


# --- course.yml ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Range:
    """A count the course must keep within; either end may be left out."""

    min: Optional[int] = field(default=None, metadata=spec("อย่างน้อย", "", min=0, max=1000))
    max: Optional[int] = field(default=None, metadata=spec("ไม่เกิน", "", min=0, max=1000))


# What a module can be required to have: front-matter lists, boxes in the lesson, and its quiz.
ModuleSection = Literal["key_points", "references", "activity", "neighbour", "trainer", "quiz"]


@dataclass(frozen=True)
class Requirements:
    """What the curriculum demands of the whole course; `check` holds the course to it.

    These are the course's own rules (nine modules and 18 hours for one course, two modules for
    another), so they live in its course.yml, not in the tool or its tests."""

    min_hours: Optional[int] = field(default=None, metadata=spec(
        "ชั่วโมงเรียนขั้นต่ำ", "เวลาเรียนรวมของทุกบท (duration) ต้องไม่น้อยกว่านี้ เวลาพักไม่นับเป็นเวลาเรียน "
        "เช่น หลักสูตรการเข้าใจดิจิทัลกำหนด 18 ชั่วโมง", min=1, max=1000))
    modules: Optional[Range] = field(default=None, metadata=spec(
        "จำนวนบทเรียน", "เช่น min: 9 และ max: 9 เมื่อหลักสูตรต้นแบบกำหนดเก้าบท"))
    objectives_per_module: Optional[Range] = field(default=None, metadata=spec(
        "จำนวนวัตถุประสงค์ต่อบท", "เช่น min: 2 และ max: 4"))
    questions_per_quiz: Optional[Range] = field(default=None, metadata=spec(
        "จำนวนคำถามต่อแบบทดสอบ", "เช่น min: 8 และ max: 12"))
    question_types_per_quiz: Optional[Range] = field(default=None, metadata=spec(
        "จำนวนชนิดคำถามต่อแบบทดสอบ", "min: 2 = ทุกแบบทดสอบต้องมีคำถามอย่างน้อยสองชนิด (single multiple true_false)"))
    module_sections: list[ModuleSection] = field(default_factory=list, metadata=spec(
        "ส่วนที่ทุกบทต้องมี", "key_points references (ในส่วนหัว) activity neighbour trainer (กล่องในบทเรียน) "
        "และ quiz (แบบทดสอบท้ายบท)"))


@dataclass(frozen=True)
class Organiser:
    name: str = field(metadata=spec("ชื่อหน่วยงาน", "ชื่อเต็มของหน่วยงานผู้จัด"))
    short_name: str = field(default="", metadata=spec("ชื่อย่อ", "เช่น พม. หรือ ดีอีเอส"))
    logo: str = field(default="", metadata=spec("ไฟล์ตราสัญลักษณ์", "path ของรูปตราหน่วยงาน (SVG หรือ PNG) เทียบกับไฟล์นี้"))


@dataclass(frozen=True)
class CourseConfig:
    id: str = field(metadata=spec("รหัสหลักสูตร", "อักษรอังกฤษตัวเล็ก ตัวเลข และ - เท่านั้น", pattern=SLUG_PATTERN))
    title: str = field(metadata=spec("ชื่อหลักสูตร", "ชื่อภาษาไทยที่แสดงบนเว็บไซต์ เอกสาร และวุฒิบัตร"))
    organisers: list[Organiser] = field(metadata=spec("หน่วยงานผู้จัด", "", min_items=1))
    site_url: str = field(metadata=spec("ที่อยู่เว็บไซต์", "URL เต็มของเว็บไซต์หลักสูตร ลงท้ายด้วย /", pattern=r"^https?://.+/$"))
    modules: list[str] = field(metadata=spec("ลำดับบทเรียน", "รหัสบทเรียนเรียงตามลำดับที่เรียน", min_items=1))
    short_name: str = field(default="", metadata=spec(
        "ชื่อย่อหลักสูตร", "ชื่อใต้ไอคอนบนหน้าจอมือถือและบนไอคอน ไม่เกิน 12 ตัวอักษร เช่น อสด. "
        "ไม่ใส่ = ใช้คำในวงเล็บของชื่อหลักสูตร หรือรหัสหลักสูตร", pattern=SHORT_NAME_PATTERN))
    pass_mark: int = field(default=70, metadata=spec("เกณฑ์ผ่าน (ร้อยละ)", "ใช้กับทุกแบบทดสอบที่ไม่ได้กำหนดเอง", min=1, max=100))
    contact_email: str = field(default="", metadata=spec(
        "อีเมลติดต่อผู้จัด", "อีเมลของหน่วยงานผู้จัดที่เผยแพร่ได้ ใช้ใน Open Badges ของวุฒิบัตร "
        "ไม่ใส่ = ไม่สร้าง Open Badges", pattern=EMAIL_PATTERN))
    thai_numerals: bool = field(default=False, metadata=spec("ใช้เลขไทย", "พิมพ์วันที่และเลขหน้าในเอกสารเป็นเลขไทย"))
    pages: list[str] = field(default_factory=list, metadata=spec("หน้าเพิ่มเติม", "ไฟล์ .md ใน course/ ที่แสดงต่อจากบทเรียน เช่น glossary.md"))
    requirements: Optional[Requirements] = field(default=None, metadata=spec(
        "ข้อกำหนดของหลักสูตร", "สิ่งที่หลักสูตรต้นแบบกำหนด เช่น ชั่วโมงเรียนขั้นต่ำ (min_hours) จำนวนบท "
        "จำนวนคำถามต่อแบบทดสอบ และส่วนที่ทุกบทต้องมี"))


# --- module front matter ------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    title: str = field(metadata=spec("ชื่อแหล่งอ้างอิง"))
    url: str = field(metadata=spec("ที่อยู่เว็บ (URL)", "ขึ้นต้นด้วย https://", pattern=r"^https?://"))


@dataclass(frozen=True)
class ModuleMeta:
    id: str = field(metadata=spec("รหัสบทเรียน", "ต้องตรงกับชื่อไฟล์ อักษรอังกฤษตัวเล็ก ตัวเลข และ -", pattern=SLUG_PATTERN))
    title: str = field(metadata=spec("ชื่อบทเรียน"))
    duration: int = field(metadata=spec("เวลาเรียน (นาที)", "", min=1, max=1440))
    objectives: list[str] = field(metadata=spec("วัตถุประสงค์", "สิ่งที่ผู้เรียนทำได้หลังเรียน วิทยากรตรวจสอบได้", min_items=1))
    key_points: list[str] = field(default_factory=list, metadata=spec("ประเด็นสำคัญ"))
    references: list[Reference] = field(default_factory=list, metadata=spec("แหล่งอ้างอิง", "แหล่งทางการมาก่อน"))


@dataclass(frozen=True)
class PageMeta:
    title: str = field(metadata=spec("ชื่อหน้า"))


# --- quizzes ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Image:
    src: str = field(metadata=spec("ไฟล์รูป", "path เทียบกับไฟล์แบบทดสอบ เช่น ../course/images/x.svg"))
    alt: str = field(metadata=spec("คำอธิบายรูป", "สำหรับผู้ใช้โปรแกรมอ่านหน้าจอ"))


@dataclass(frozen=True)
class Choice:
    text: str = field(metadata=spec("ตัวเลือก"))
    correct: bool = field(metadata=spec("เป็นคำตอบที่ถูก"))
    feedback: str = field(default="", metadata=spec("คำอธิบายเมื่อเลือกข้อนี้"))
    line: int = internal()
    column: int = internal()


QuestionType = Literal["single", "multiple", "true_false"]


@dataclass(frozen=True)
class Question:
    id: str = field(metadata=spec("รหัสคำถาม", "คงที่ตลอดไป ห้ามนำไปใช้กับคำถามอื่น", pattern=SLUG_PATTERN))
    type: QuestionType = field(metadata=spec("ชนิดคำถาม", "single = เลือกหนึ่งข้อ, multiple = เลือกได้หลายข้อ, true_false = ถูก/ผิด"))
    prompt: str = field(metadata=spec("คำถาม"))
    choices: list[Choice] = field(metadata=spec("ตัวเลือก", "", min_items=2))
    explanation: str = field(metadata=spec("เฉลยและคำอธิบาย"))
    image: Optional[Image] = field(default=None, metadata=spec("รูปประกอบ"))
    line: int = internal()
    column: int = internal()


@dataclass(frozen=True)
class QuizFile:
    module: str = field(metadata=spec("รหัสบทเรียน", "บทเรียนที่แบบทดสอบนี้สังกัด", pattern=SLUG_PATTERN))
    title: str = field(metadata=spec("ชื่อแบบทดสอบ"))
    questions: list[Question] = field(metadata=spec("คำถาม", "", min_items=1))
    pass_mark: Optional[int] = field(default=None, metadata=spec("เกณฑ์ผ่าน (ร้อยละ)", "ไม่ใส่ = ใช้ของหลักสูตร", min=1, max=100))


# --- course/terms.yml: canonical spellings (the terms linter and search) --------------------------

@dataclass(frozen=True)
class Term:
    term: str = field(metadata=spec("ตัวสะกดที่บทเรียนใช้", "ตามราชบัณฑิตยสถาน หรือตามที่แบรนด์สะกดเอง เช่น แอป ThaID"))
    group: str = field(default="", metadata=spec(
        "กลุ่มคำ", "คำที่อยู่กลุ่มเดียวกันค้นหาเป็นคำเดียวกัน เช่น แอป กับ แอปพลิเคชัน คำแรกของกลุ่มเป็นคำหลัก"))
    misspellings: list[str] = field(default_factory=list, metadata=spec(
        "ตัวสะกดผิด", "ระบบตรวจเตือนเมื่อพบ และช่องค้นหาพบคำหลักเมื่อผู้เรียนพิมพ์ตัวสะกดนี้"))
    synonyms: list[str] = field(default_factory=list, metadata=spec(
        "คำที่ใช้แทนได้", "ไม่ผิด ระบบตรวจไม่เตือน ช่องค้นหาพบคำหลักด้วยคำนี้ เช่น Facebook"))
    note: str = field(default="", metadata=spec("หมายเหตุ", "เหตุผล สำหรับบรรณาธิการและผู้ตรวจ"))
    line: int = internal()
    column: int = internal()


@dataclass(frozen=True)
class TermsFile:
    terms: list[Term] = field(metadata=spec("คำมาตรฐาน", "หนึ่งรายการต่อหนึ่งตัวสะกดที่บทเรียนใช้", min_items=1))
    words: list[str] = field(default_factory=list, metadata=spec(
        "คำที่ตัวตัดคำต้องรู้จัก", "คำภาษาไทยที่ช่องค้นหาตัดผิด เช่น คำยืมใหม่ ๆ เขียนด้วยอักษรไทยเท่านั้น"))


# --- course/claims.yml: the register of every concrete claim ------------------------------------

ClaimKind = Literal["phone", "law", "penalty", "agency", "app", "domain", "url", "date", "figure", "duration",
                    "document", "rule", "course", "example"]


@dataclass(frozen=True)
class ClaimSource:
    """One of: a fact-sheet section, a public page, or what in this repository decides it."""

    fact_sheet: str = field(default="", metadata=spec("หัวข้อใน facts-th.md", "ชื่อหัวข้อของเอกสารข้อเท็จจริง"))
    url: str = field(default="", metadata=spec("หน้าเว็บต้นทาง", "ขึ้นต้นด้วย https://", pattern=r"^https?://"))
    course: str = field(default="", metadata=spec("สิ่งที่กำหนดในหลักสูตรนี้", "เช่น course/course.yml `pass_mark`"))
    checked: str = field(default="", metadata=spec("วันที่ตรวจ", "YYYY-MM-DD หรือ unverified ถ้ายังไม่ได้เปิดดูหน้าต้นทาง"))
    note: str = field(default="", metadata=spec("หมายเหตุ"))


@dataclass(frozen=True)
class Claim:
    id: str = field(metadata=spec("รหัสข้อกล่าวอ้าง", "คงที่ อักษรอังกฤษตัวเล็ก ตัวเลข และ - เช่น hotline-1441", pattern=SLUG_PATTERN))
    claim: str = field(metadata=spec("ข้อกล่าวอ้าง", "หนึ่งประโยค ใช้ถ้อยคำของหลักสูตร"))
    kind: ClaimKind = field(metadata=spec("ชนิด", "phone law penalty agency app domain url date figure duration "
                                                  "document rule course หรือ example"))
    match: list[str] = field(metadata=spec(
        "ข้อความที่ปรากฏ", "ข้อความตรงตัวตามที่เขียนในบทเรียน ตัวเลข โดเมน หรือชื่อแอปที่อยู่ในข้อความนี้ถือว่าลงทะเบียนแล้ว",
        min_items=1))
    where: list[str] = field(metadata=spec("ไฟล์ที่ปรากฏ", "path จากโฟลเดอร์โครงการ เช่น course/index.md", min_items=1))
    source: ClaimSource = field(metadata=spec("แหล่งที่มา", "fact_sheet หรือ url หรือ course"))
    module: str = field(default="", metadata=spec(
        "บทเรียน", "เฉพาะ kind: duration ของบทเรียนหนึ่งบท: รหัสบทเรียน", pattern=SLUG_PATTERN))
    total_minutes: Optional[int] = field(default=None, metadata=spec(
        "เวลาเรียนของบท (นาที)", "ต้องเท่ากับ duration ของบท", min=1, max=1440))
    parts_minutes: list[int] = field(default_factory=list, metadata=spec(
        "เวลาแต่ละส่วนในบันทึกวิทยากร (นาที)", "ตามลำดับในบันทึกวิทยากร ไม่รวมเวลาพัก"))
    note: str = field(default="", metadata=spec("หมายเหตุ", "สิ่งที่ผู้ตรวจควรรู้"))
    line: int = internal()
    column: int = internal()


@dataclass(frozen=True)
class ClaimsFile:
    # May be empty: a new course (`build.py init`) starts with no claims and adds one per fact it writes.
    claims: list[Claim] = field(metadata=spec("ข้อกล่าวอ้าง", "หนึ่งรายการต่อหนึ่งข้อเท็จจริง"))


# --- conversion: Located YAML -> dataclass, collecting problems --------------------------------

_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


def editable_fields(cls: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def is_required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


@functools.lru_cache(maxsize=None)  # typing.get_type_hints is slow, and convert() asks for every field of every item
def resolve_type(cls: type, f: dataclasses.Field) -> Any:
    return _type_hints(cls)[f.name]


@functools.lru_cache(maxsize=None)
def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)  # slow (it compiles each annotation): once per class


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def convert(cls: type, item: Located, path: str, where: str = "") -> tuple[Any, list[Problem]]:
    """Build `cls` from a located mapping. Returns (instance or None, problems)."""
    problems: list[Problem] = []
    label = where or cls.__name__
    if not isinstance(item.value, dict):
        problems.append(Problem(path, item.line, item.column, "wrong-type",
                                f"{label} should be a mapping of fields, found {_describe(item)}",
                                "write one 'name: value' per line"))
        return None, problems
    known = {f.name for f in editable_fields(cls)}
    for key, value in item.value.items():
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed fields: {', '.join(sorted(known))}"
            problems.append(Problem(path, value.key_line or value.line, value.key_column or value.column,
                                    "unknown-field", f"unknown field '{key}' in {label}", hint))
    kwargs: dict[str, Any] = {}
    ok = True
    for f in editable_fields(cls):
        if f.name not in item.value:
            if is_required(f):
                problems.append(Problem(path, item.line, item.column, "missing-field",
                                        f"{label} is missing the field '{f.name}'",
                                        f"add '{f.name}:' ({f.metadata.get('title', '')})"))
                ok = False
            continue
        value, sub = _convert_value(resolve_type(cls, f), item.value[f.name], path, f"{label}.{f.name}", f.metadata)
        problems += sub
        if value is _INVALID:
            ok = False
        else:
            kwargs[f.name] = value
    if not ok:
        return None, problems
    names = {f.name for f in dataclasses.fields(cls)}
    if "line" in names:
        kwargs["line"] = item.line
    if "column" in names:
        kwargs["column"] = item.column
    return cls(**kwargs), problems


_INVALID = object()


def _describe(item: Located) -> str:
    """What the editor wrote, as an error message shows it: the text itself for a single value."""
    value = item.value
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return _TYPE_NAMES[type(value)]
    shown = item.source if item.source is not None else str(value)
    return f"'{shown[:40]}…'" if len(shown) > 40 else f"'{shown}'"


def _convert_value(tp: Any, item: Located, path: str, label: str, rules: Any) -> tuple[Any, list[Problem]]:
    tp, optional = unwrap_optional(tp)
    value = item.value
    if value is None and optional:
        return None, []
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        obj, problems = convert(tp, item, path, label)
        return (obj if obj is not None else _INVALID), problems
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            return _INVALID, [_wrong(path, item, label, "a list (lines starting with '- ')")]
        problems: list[Problem] = []
        out = []
        for index, element in enumerate(value, 1):
            converted, sub = _convert_value(inner, element, path, f"{label}[{index}]", {})
            problems += sub
            out.append(converted)
        if len(value) < rules.get("min_items", 0):
            problems.append(Problem(path, item.line, item.column, "too-few-items",
                                    f"{label} needs at least {rules['min_items']} item(s), found {len(value)}",
                                    "add the missing items"))
        if any(x is _INVALID for x in out):
            return _INVALID, problems
        return out, problems
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed:
            return _INVALID, [Problem(path, item.line, item.column, "bad-value",
                                      f"{label} is {_describe(item)}, which is not allowed",
                                      f"use one of: {', '.join(allowed)}")]
        return value, []
    if tp is bool:
        if not isinstance(value, bool):
            # yes/no/on/off are booleans only in old YAML: we read them, like any other word, as text.
            return _INVALID, [_wrong(path, item, label, "true or false", "write true or false, without quotes")]
        return value, []
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return _INVALID, [_wrong(path, item, label, "a whole number",
                                     "write digits only, e.g. 45, without quotes")]
        lo, hi = rules.get("min"), rules.get("max")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return _INVALID, [Problem(path, item.line, item.column, "out-of-range",
                                      f"{label} is {value}, outside {lo}–{hi}", f"use a number from {lo} to {hi}")]
        return value, []
    if tp is str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # "2565", 1441 or 1.50 typed without quotes is still text to an editor: keep what was typed.
            value = item.source if item.source is not None else str(value)
        if not isinstance(value, str):
            hint = ("put the text in quotes, e.g. \"true\"" if isinstance(value, bool)
                    else "write the text on the same line, after the colon")
            return _INVALID, [_wrong(path, item, label, "text", hint)]
        if not value.strip():
            return _INVALID, [Problem(path, item.line, item.column, "empty-text", f"{label} is empty",
                                      "write the text, or remove the field if it is optional")]
        pattern = rules.get("pattern")
        if pattern and not re.match(pattern, value):
            return _INVALID, [Problem(path, item.line, item.column, "bad-format",
                                      f"{label} '{value}' has the wrong form",
                                      _PATTERN_HINTS.get(pattern, f"it must match {pattern}"))]
        return value.strip(), []
    raise TypeError(f"unsupported field type {tp!r}")  # a programming error, not a content one


_PATTERN_HINTS = {
    SHORT_NAME_PATTERN: "keep it to 12 characters or fewer on one line: it is shown under the app icon",
    SLUG_PATTERN: "use lower-case English letters, digits and '-', e.g. fake-news",
    r"^https?://.+/$": "write the full address ending in '/', e.g. https://example.org/course/",
    r"^https?://": "write the full address starting with https://",
    EMAIL_PATTERN: "write one e-mail address of the organisers that may be published, e.g. contact@example.org",
}


def _wrong(path: str, item: Located, label: str, expected: str, hint: str = "") -> Problem:
    if isinstance(item.value, (dict, list)) or not hint:
        hint = "check the indentation and the value's form"
    return Problem(path, item.line, item.column, "wrong-type",
                   f"{label} should be {expected}, found {_describe(item)}", hint)
