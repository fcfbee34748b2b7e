"""Scaffolding: `python build.py new-module <slug> --title "…"`.

Writes a module file and a quiz stub holding every field in the model's order, with Thai
placeholders an editor replaces, and adds the module to course.yml by editing its text (so the
editor's comments and layout stay). Everything is checked before anything is written.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from coursebuild.problems import Problem, relpath
from coursebuild.source.load import COURSE_DIR, MODULE_DIR, QUIZ_DIR
from coursebuild.source.model import SLUG_PATTERN
from coursebuild.source.yamlsource import load_yaml

MODULE_TEMPLATE = """\
---
id: {slug}
title: {title}
duration: 60  # เวลาเรียน (นาที)
objectives:  # สิ่งที่ผู้เรียนทำได้หลังเรียน ขึ้นต้นด้วยคำกริยา เช่น อธิบาย สาธิต ระบุ
  - อธิบาย... ได้ (แก้ไขข้อความนี้)
key_points:  # ประเด็นสำคัญ แสดงท้ายบทเรียนและในเอกสารประกอบ
  - ประเด็นสำคัญข้อแรก (แก้ไขข้อความนี้)
references: []  # แหล่งอ้างอิง แหล่งทางการมาก่อน เช่น
#  - title: ชื่อหน้าเว็บของหน่วยงาน
#    url: https://www.example.go.th/
---

## เนื้อหาหลัก {{#main}}

เขียนเนื้อหาบทเรียนที่นี่ ใช้หัวข้อระดับ ## และ ### (ชื่อบทเรียนเป็นหัวข้อใหญ่อยู่แล้ว)

!!! activity "กิจกรรม: ชื่อกิจกรรม"
    **เวลา:** … นาที (ใส่เวลาของกิจกรรม)

    1. ขั้นตอนที่หนึ่ง
    2. ขั้นตอนที่สอง

!!! neighbour "ช่วยเพื่อนบ้าน"
    สิ่งที่ผู้เรียนช่วยเพื่อนบ้านได้เมื่อมาขอความช่วยเหลือเรื่องนี้ (แก้ไขข้อความนี้)

!!! trainer "บันทึกสำหรับวิทยากร"
    ข้อความในกล่องนี้ไม่แสดงบนเว็บไซต์ของผู้เรียน พิมพ์เฉพาะในฉบับวิทยากร
"""

QUIZ_TEMPLATE = """\
# yaml-language-server: $schema=../{schema_dir}/quiz.schema.json
module: {slug}
title: {quiz_title}
questions:
  - id: sample-question  # รหัสคำถาม: อักษรอังกฤษตัวเล็ก ตัวเลข และ - ห้ามนำไปใช้กับคำถามอื่นอีก
    type: single  # single = เลือกหนึ่งข้อ, multiple = เลือกได้หลายข้อ, true_false = ถูก/ผิด
    prompt: เขียนคำถามที่นี่ (แก้ไขข้อความนี้)
    choices:
      - text: คำตอบที่ถูก
        correct: true
        feedback: อธิบายว่าทำไมข้อนี้ถูก (ไม่ใส่ก็ได้)
      - text: คำตอบที่ผิดแต่น่าเลือก
        correct: false
        feedback: อธิบายว่าทำไมข้อนี้ผิด (ไม่ใส่ก็ได้)
    explanation: เฉลยและคำอธิบายที่ผู้เรียนเห็นหลังส่งคำตอบ
    # image:  # รูปประกอบ (ไม่ใส่ก็ได้)
    #   src: ../course/images/ชื่อรูป.svg
    #   alt: คำอธิบายรูปสำหรับผู้ใช้โปรแกรมอ่านหน้าจอ
# pass_mark: 80  # เกณฑ์ผ่าน (ร้อยละ) ไม่ใส่ = ใช้เกณฑ์ของหลักสูตร
"""


def module_text(slug: str, title: str) -> str:
    return MODULE_TEMPLATE.format(slug=slug, title=_yaml_string(title))


def quiz_text(slug: str, title: str) -> str:
    from coursebuild.editor.schema import SCHEMA_DIR

    return QUIZ_TEMPLATE.format(slug=slug, quiz_title=_yaml_string(f"แบบทดสอบ {title}"), schema_dir=SCHEMA_DIR)


def _yaml_string(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for ':', '#', quotes and Thai.
    return json.dumps(text, ensure_ascii=False)


def create_module(root: Path, slug: str, title: str) -> tuple[list[Path], list[Problem]]:
    """Create course/modules/<slug>.md and quizzes/<slug>.yml and list the module in course.yml.

    Returns (files written, problems). Nothing is written when there is any problem.
    """
    root = root.resolve()
    config_path = root / COURSE_DIR / "course.yml"
    module_path = root / COURSE_DIR / MODULE_DIR / f"{slug}.md"
    quiz_path = root / QUIZ_DIR / f"{slug}.yml"
    config_rel = relpath(config_path, root)
    problems: list[Problem] = []
    if not re.match(SLUG_PATTERN, slug):
        problems.append(Problem("", 0, 0, "bad-format", f"module id '{slug}' has the wrong form",
                                "use lower-case English letters, digits and '-', e.g. fake-news"))
    if not title.strip():
        problems.append(Problem("", 0, 0, "empty-text", "the module title is empty",
                                'give the Thai title: --title "ชื่อบทเรียน"'))
    if problems:
        return [], problems
    for path in (module_path, quiz_path):
        if path.exists():
            problems.append(Problem(relpath(path, root), 0, 0, "already-exists",
                                    f"{relpath(path, root)} already exists",
                                    "choose another id, or edit the existing file"))
    if not config_path.is_file():
        problems.append(Problem(config_rel, 0, 0, "missing-file", "course/course.yml is missing",
                                "run new-module in the project folder, or give --root"))
        return [], problems
    config_text = config_path.read_text(encoding="utf-8")
    new_config, sub = add_module_to_config(config_text, config_rel, slug)
    problems += sub
    if problems:
        return [], problems

    module_path.parent.mkdir(parents=True, exist_ok=True)
    quiz_path.parent.mkdir(parents=True, exist_ok=True)
    module_path.write_text(module_text(slug, title.strip()), encoding="utf-8")
    quiz_path.write_text(quiz_text(slug, title.strip()), encoding="utf-8")
    written = [module_path, quiz_path]
    if new_config != config_text:
        config_path.write_text(new_config, encoding="utf-8")
        written.append(config_path)
    return written, []


def add_module_to_config(text: str, path: str, slug: str) -> tuple[str, list[Problem]]:
    """Append `slug` to `modules:` in course.yml text, keeping every other byte as it was.

    A slug that is already listed leaves the text unchanged."""
    tree, problems = load_yaml(text.replace("\r\n", "\n"), path)
    if tree is None:
        return text, problems
    modules = tree.value.get("modules") if isinstance(tree.value, dict) else None
    if modules is None or not isinstance(modules.value, list):
        return text, [Problem(path, 1, 1, "missing-field", "course.yml has no 'modules:' list",
                              f"add 'modules:' with a line '  - {slug}' below it")]
    items = modules.value
    if any(item.value == slug for item in items):
        # Listed but without a file: the loader's unknown-module hint sends editors here.
        return text, []
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    list_line = lines[modules.line - 1]
    if list_line[modules.column - 1:modules.column] == "[":
        # Flow style, "modules: [a, b]": insert before the closing bracket that ends the list.
        start = sum(len(x) + len(newline) for x in lines[:modules.line - 1]) + modules.column - 1
        end = _closing_bracket(text, start)
        if end < 0:
            return text, [_cannot_edit(path, modules.line, slug)]
        separator = ", " if items else ""
        return text[:end].rstrip() + separator + slug + text[end:], []
    if not items:
        return text, [_cannot_edit(path, modules.line, slug)]
    last = items[-1]
    last_line = lines[last.line - 1]
    prefix = last_line[:last.column - 1]
    if not prefix.rstrip().endswith("-"):
        return text, [_cannot_edit(path, last.line, slug)]
    lines.insert(last.line, prefix + slug)
    return newline.join(lines), []


def _closing_bracket(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "[":
            depth += 1
        elif text[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _cannot_edit(path: str, line: int, slug: str) -> Problem:
    return Problem(path, line, 1, "cannot-edit", "could not add the module to 'modules:' automatically",
                   f"add '- {slug}' under modules: in course/course.yml by hand")
