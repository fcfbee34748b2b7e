"""One `check` gives every error: a YAML slip in one file hides nothing in the others, a field
error in a quiz hides none of its rule errors, and a rule error on one question hides none on
another. (Regression, issue 14: errors came in layers, and quiz-no-correct on another question
appeared only on the third run.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build, copy_course


def _edit(path: Path, old: str, new: str) -> int:
    """Replace once; return the line where the change starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


THREE_QUESTIONS = """\
module: fake-news
title: แบบทดสอบ รู้เท่าทันข่าวปลอม
questions:
  - id: kind-typo
    type: singel
    prompt: ข้อใดถูก
    choices:
      - text: ตรวจสอบก่อนแชร์
        correct: true
      - text: แชร์ทันที
        correct: false
    explanation: ตรวจสอบก่อนเสมอ
  - id: none-right
    type: multiple
    prompt: ข้อใดบ้างที่ควรทำ
    choices:
      - text: แชร์ทันที
        correct: false
      - text: เชื่อทุกข่าว
        correct: false
    explanation: ไม่มีข้อใดถูก
  - id: two-right
    type: single
    prompt: ควรโทรสายด่วนใด
    choices:
      - text: ศูนย์ต่อต้านข่าวปลอม
        correct: true
      - text: ตำรวจไซเบอร์
        correct: true
    explanation: ทั้งสองข้อถูก
"""


def _layered(root: Path, broken_yaml: str) -> dict[str, tuple[str, int]]:
    """Errors at three layers in three files (plus two more rule errors in the same quiz);
    returns code → (file, line) expected."""
    expected = {}
    if broken_yaml == "course.yml":
        line = _edit(root / "course" / "course.yml", "pass_mark: 70", "pass_mark: [70")
        expected["yaml-syntax"] = ("course/course.yml", line)
    else:
        quiz = root / "quizzes" / "first-steps.yml"
        line = _edit(quiz, "questions:", "questions: [")
        expected["yaml-syntax"] = ("quizzes/first-steps.yml", line)
    lesson = root / "course" / "modules" / "first-steps.md"
    expected["wrong-type"] = ("course/modules/first-steps.md", _edit(lesson, "duration: 60", "duration: หกสิบ"))
    (root / "quizzes" / "fake-news.yml").write_text(THREE_QUESTIONS, encoding="utf-8")
    lines = THREE_QUESTIONS.split("\n")
    expected["bad-value"] = ("quizzes/fake-news.yml", lines.index("    type: singel") + 1)
    expected["quiz-no-correct"] = ("quizzes/fake-news.yml", lines.index("  - id: none-right") + 1)
    expected["quiz-correct-count"] = ("quizzes/fake-news.yml", lines.index("  - id: two-right") + 1)
    return expected


@pytest.mark.parametrize("broken_yaml", ["course.yml", "a quiz"])
def test_one_check_reports_every_layer_at_once(tmp_path, capsys, broken_yaml):
    root = copy_course("minimal", tmp_path)
    expected = _layered(root, broken_yaml)
    assert build(root, "check") == 1
    out = capsys.readouterr().out
    found = {(m.group(3), m.group(1), int(m.group(2)))
             for m in re.finditer(r"^(\S+?):(\d+):\d+: error\[([a-z0-9-]+)\]", out, re.M)}
    for code, (path, line) in expected.items():
        # The parser names the line where it noticed the slip: the edited one or the next.
        lines = (line, line + 1) if code == "yaml-syntax" else (line,)
        assert any((code, path, n) in found for n in lines), f"{code} at {path}:{line} missing from:\n{out}"


def test_a_fixed_question_reveals_nothing_new(tmp_path, capsys):
    """Fixing what one run reported leaves nothing that run did not report (no second layer)."""
    root = copy_course("minimal", tmp_path)
    _layered(root, "a quiz")
    assert build(root, "check") == 1
    first = set(re.findall(r"error\[([a-z0-9-]+)\]", capsys.readouterr().out))
    quiz = root / "quizzes" / "fake-news.yml"
    _edit(quiz, "type: singel", "type: single")
    assert build(root, "check") == 1
    second = set(re.findall(r"error\[([a-z0-9-]+)\]", capsys.readouterr().out))
    assert second <= first and "bad-value" not in second
