"""JSON Schema for editors' tools, generated from the same dataclasses that `model.convert()`
validates with, so the schema an editor sees and the check that CI runs cannot drift.

The schemas are committed in schemas/ (so VS Code's YAML extension finds them through the
`# yaml-language-server: $schema=…` comment at the top of each file); `python build.py schema`
rewrites them and a test fails when they are stale.

Where the validator is lenient the schema is lenient too: a number typed without quotes is text
to an editor ("title: 2565"), so text fields also accept numbers.
"""
from __future__ import annotations

import dataclasses
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

from coursebuild.problems import Problem, relpath
from coursebuild.source import model

SCHEMA_DIR = "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft VS Code's YAML extension knows best

# Problem codes that `convert()` emits and a JSON Schema can express. Tests compare verdicts on
# exactly these codes; other codes (duplicate ids, quiz rules, links) are beyond any schema.
SCHEMA_CODES = frozenset({"unknown-field", "missing-field", "wrong-type", "bad-value", "out-of-range",
                          "too-few-items", "bad-format", "empty-text"})


@dataclass(frozen=True)
class SchemaFile:
    name: str  # file name in schemas/
    title: str  # Thai, shown by the editor's hover help
    description: str
    model: Callable[[], type | None]  # the dataclass, or None when that part is not installed


def _cohort_model() -> type | None:
    # The roster stage is optional in this version; without it there is no cohort.yml to describe.
    try:
        from coursebuild.certificates.cohort_config import CohortConfig
    except ImportError:
        return None
    return CohortConfig


def _prefixes_model() -> type:
    from coursebuild.source.prefixes import PrefixesFile

    return PrefixesFile


SCHEMA_FILES = [
    SchemaFile("course.schema.json", "ตั้งค่าหลักสูตร (course/course.yml)",
               "ชื่อหลักสูตร หน่วยงานผู้จัด ลำดับบทเรียน และเกณฑ์ผ่าน", lambda: model.CourseConfig),
    SchemaFile("module.schema.json", "ส่วนหัวของบทเรียน (course/modules/<รหัส>.md)",
               "ข้อมูลระหว่างบรรทัด --- สองบรรทัดที่ต้นไฟล์บทเรียน", lambda: model.ModuleMeta),
    SchemaFile("page.schema.json", "ส่วนหัวของหน้าอื่น (course/index.md, course/glossary.md)",
               "ข้อมูลระหว่างบรรทัด --- สองบรรทัดที่ต้นไฟล์", lambda: model.PageMeta),
    SchemaFile("quiz.schema.json", "แบบทดสอบท้ายบท (quizzes/<รหัส>.yml)",
               "คำถาม ตัวเลือก และเฉลยของแบบทดสอบหนึ่งบทเรียน", lambda: model.QuizFile),
    SchemaFile("terms.schema.json", "คำมาตรฐานของหลักสูตร (course/terms.yml)",
               "ตัวสะกดที่บทเรียนใช้ ตัวสะกดผิดที่ระบบตรวจเตือน และคำที่ช่องค้นหาใช้แทนกันได้", lambda: model.TermsFile),
    SchemaFile("claims.schema.json", "ทะเบียนข้อกล่าวอ้าง (course/claims.yml)",
               "ข้อเท็จจริงทุกข้อของหลักสูตร ปรากฏที่ใด และมาจากแหล่งใด", lambda: model.ClaimsFile),
    SchemaFile("cohort.schema.json", "ข้อมูลรุ่นการอบรม (roster/<รุ่น>/cohort.yml)",
               "วันที่ สถานที่ และผู้ลงนามวุฒิบัตรของการอบรมหนึ่งรุ่น", _cohort_model),
    SchemaFile("prefixes.schema.json", "คำนำหน้าชื่อ (course/prefixes.yml, theme/certificate/prefixes.yml)",
               "คำนำหน้าชื่อที่รายชื่อผู้เข้าอบรมใช้ได้ วิธีพิมพ์บนวุฒิบัตร และถ้อยคำบนวุฒิบัตร", _prefixes_model),
]


# VS Code shows `patternErrorMessage` instead of the bare regular expression.
PATTERN_MESSAGES = {
    model.SLUG_PATTERN: "ใช้อักษรอังกฤษตัวเล็ก ตัวเลข และ - เท่านั้น เช่น fake-news",
    r"^https?://.+/$": "เขียนที่อยู่เต็ม ขึ้นต้นด้วย https:// และลงท้ายด้วย / เช่น https://example.org/course/",
    r"^https?://": "เขียนที่อยู่เต็ม ขึ้นต้นด้วย https://",
}
_EMPTY_MESSAGE = "ข้อความว่าง: เขียนข้อความ หรือลบบรรทัดนี้ถ้าไม่บังคับ"


def dataclass_schema(cls: type, title: str = "", description: str = "") -> dict[str, Any]:
    """The JSON Schema of one dataclass, with nested dataclasses inlined (no $ref, for simple tools)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in model.editable_fields(cls):
        prop = _field_schema(model.resolve_type(cls, f), f.metadata)
        meta = {"title": f.metadata.get("title", f.name)}
        if f.metadata.get("description"):
            meta["description"] = f.metadata["description"]
        if f.default is not dataclasses.MISSING and f.default is not None:
            meta["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            meta["default"] = f.default_factory()
        properties[f.name] = {**meta, **prop}
        if model.is_required(f):
            required.append(f.name)
    out: dict[str, Any] = {}
    if title:
        out["title"] = title
    if description:
        out["description"] = description
    out.update({"type": "object", "properties": properties, "additionalProperties": False})
    if required:
        out["required"] = required
    return out


def _field_schema(tp: Any, rules: Any) -> dict[str, Any]:
    tp, optional = model.unwrap_optional(tp)
    schema = _type_schema(tp, rules)
    if optional:
        # convert() accepts an explicit empty value for an optional field ("pass_mark:" left blank).
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def _type_schema(tp: Any, rules: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return dataclass_schema(tp)
    if origin is list:
        (inner,) = typing.get_args(tp)
        out: dict[str, Any] = {"type": "array", "items": _type_schema(inner, {})}
        if rules.get("min_items"):
            out["minItems"] = rules["min_items"]
        return out
    if origin is Literal:
        allowed = list(typing.get_args(tp))
        return {"type": "string", "enum": allowed}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        out = {"type": "integer"}
        if rules.get("min") is not None:
            out["minimum"] = rules["min"]
        if rules.get("max") is not None:
            out["maximum"] = rules["max"]
        return out
    if tp is str:
        pattern = rules.get("pattern")
        if not pattern:
            # Not empty and not only spaces; numbers are text too (see the module docstring).
            return {"type": ["string", "number"], "pattern": r"\S", "patternErrorMessage": _EMPTY_MESSAGE}
        out = {"type": "string", "pattern": pattern}
        if all(re.match(pattern, n) for n in ("0", "2565", "-1", "1.5")):
            # Any short number typed without quotes ("short_name: 2565") is read as text that fits.
            out = {"type": ["string", "number"], "pattern": pattern}
        elif re.match(pattern, "0") and re.match(pattern, "2565") and not re.match(pattern, "-1"):
            # An unquoted whole number such as "id: 2565" is read as the text "2565", which fits.
            # ("pattern" applies only to strings and "minimum" only to numbers.)
            out = {"type": ["string", "integer"], "pattern": pattern, "minimum": 0}
        elif all(re.match(pattern, text) for text in ("0", "2565", "-1", "1.5")):
            # Free text with a length rule (short_name): any number typed unquoted is text too.
            out = {"type": ["string", "number"], "pattern": pattern}
        if pattern in PATTERN_MESSAGES:
            out["patternErrorMessage"] = PATTERN_MESSAGES[pattern]
        return out
    raise TypeError(f"no JSON Schema for field type {tp!r}")  # a programming error, not content


def build_schemas() -> dict[str, dict[str, Any]]:
    """Every schema this version can describe, by file name."""
    out = {}
    for item in SCHEMA_FILES:
        cls = item.model()
        if cls is None:
            continue
        out[item.name] = {"$schema": DRAFT, **dataclass_schema(cls, item.title, item.description)}
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(root: Path) -> list[Path]:
    """Write schemas/*.schema.json; return the files whose content changed."""
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, schema in build_schemas().items():
        path = folder / name
        text = schema_text(schema)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def check_schemas(root: Path) -> list[Problem]:
    """Problems for committed schema files that differ from the model (stale or missing)."""
    problems = []
    for name, schema in build_schemas().items():
        path = root / SCHEMA_DIR / name
        rel = relpath(path, root)
        if not path.is_file():
            problems.append(Problem(rel, 0, 0, "schema-stale", f"{rel} is missing",
                                    "run: python build.py schema"))
        elif path.read_text(encoding="utf-8") != schema_text(schema):
            problems.append(Problem(rel, 0, 0, "schema-stale", f"{rel} differs from the content model",
                                    "run: python build.py schema, and commit the result"))
    return problems
