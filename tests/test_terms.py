"""The terms linter: misspellings from course/terms.yml are warnings at their exact place, with the
course's spelling in the hint; `check --strict` makes them errors."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, copy_course

from coursebuild.checks import load_checked_course
from coursebuild.checks.prose import course_prose
from coursebuild.checks.terms import Speller, check_terms
from coursebuild.cli import main
from coursebuild.source.load import load_course
from coursebuild.source.terms import load_terms


@pytest.fixture
def minimal(tmp_path) -> Path:
    """The minimal course with the repository's terms.yml."""
    root = copy_course("minimal", tmp_path)
    shutil.copy(SAMPLE / "course" / "terms.yml", root / "course" / "terms.yml")
    return root


def _lesson(root: Path) -> Path:
    return root / "course" / "modules" / "fake-news.md"


def _append(path: Path, text: str) -> int:
    """Append lines; return the line number of the first one."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before.rstrip("\n") + "\n" + text, encoding="utf-8")
    return before.rstrip("\n").count("\n") + 2


def _found(root: Path) -> list[tuple[str, int, int, str]]:
    course, problems = load_course(root)
    assert course is not None, problems
    return sorted((p.path, p.line, p.column, p.hint.split("'")[1]) for p in check_terms(course))


def test_digital_app_and_thaid_typed_into_a_lesson_are_reported_each_with_its_line(minimal, capsys):
    line = _append(_lesson(minimal), "ระบบดิจิตอลของอำเภอ\nติดตั้งแอพจากร้านค้า\nเปิด ThaiD แล้วสแกนหน้า\n")
    assert main(["--root", str(minimal), "check"]) == 0  # warnings do not fail a check
    out = capsys.readouterr().out
    path = "course/modules/fake-news.md"
    assert f"{path}:{line}:5: warning[term-misspelling]: 'ดิจิตอล' is not the course's spelling of 'ดิจิทัล'" in out
    assert f"{path}:{line + 1}:8: warning[term-misspelling]: 'แอพ' is not the course's spelling of 'แอป'" in out
    assert f"{path}:{line + 2}:6: warning[term-misspelling]: 'ThaiD' is not the course's spelling of 'ThaID'" in out
    assert "hint: write 'ThaID' (course/terms.yml line" in out
    assert out.rstrip().endswith("3 warnings in 1 file")


def test_strict_check_makes_the_warnings_errors(minimal, capsys):
    _append(_lesson(minimal), "ติดตั้งแอพ\n")
    assert main(["--root", str(minimal), "check", "--strict"]) == 1
    assert "error[term-misspelling]" in capsys.readouterr().out
    assert load_checked_course(minimal, strict=True)[0] is None
    assert load_checked_course(minimal)[0] is not None


def test_minimal_and_unicode_fixtures_pass_the_linter(tmp_path):
    for name in ("minimal", "unicode"):
        root = copy_course(name, tmp_path / name)
        shutil.copy(SAMPLE / "course" / "terms.yml", root / "course" / "terms.yml")
        assert _found(root) == [], name


def test_the_course_has_no_misspelling():
    course, problems = load_course(SAMPLE)
    assert course is not None and course.terms is not None
    assert check_terms(course) == []


@pytest.fixture(scope="module")
def speller() -> Speller:
    terms, problems = load_terms(SAMPLE)
    assert problems == []
    return Speller(terms)


@pytest.mark.parametrize("text, found", [
    # The longest listed spelling wins: one misspelling of แอปพลิเคชัน, not แอพ plus a rest.
    ("โหลดแอพพลิเคชั่นธนาคาร", [(4, "แอพพลิเคชั่น", "แอปพลิเคชัน")]),
    # Never inside a correct longer spelling: เวป is not looked for in เว็บไซต์, ไลน์ not in ออนไลน์.
    ("เว็บไซต์ของรัฐ ขายออนไลน์ผ่านไลน์", []),
    ("เปิดเวปไซต์", [(4, "เวปไซต์", "เว็บไซต์")]),
    # Thai misspellings match inside unspaced Thai.
    ("ระบบดิจิตอลของอำเภอ", [(4, "ดิจิตอล", "ดิจิทัล")]),
    # Latin: case-sensitive, whole words.
    ("ThaID ไม่ใช่ ThaiD หรือ Thai ID", [(13, "ThaiD", "ThaID"), (24, "Thai ID", "ThaID")]),
    ("MyThaiD และ ThaiDX", []),
    ("แอปThaiD", [(3, "ThaiD", "ThaID")]),  # Thai touching Latin still ends the Latin word
    # Synonyms are never flagged.
    ("Facebook ไทยดี Wi-Fi email", []),
])
def test_matching_rules_of_the_terms_file(speller, text, found):
    assert [(at, s.text, s.term) for at, s in speller.misspellings(text)] == found


def test_urls_code_heading_ids_link_targets_and_allowed_quotes_are_skipped(minimal):
    line = _append(_lesson(minimal), (
        "ดู https://example.org/แอพ และ `แอพ` และ [หน้า](../glossary.md#แอพ)\n"
        "## หัวข้อ {#แอพ}\n"
        "คนมักพิมพ์ว่า <!-- terms: allow -->\"แอพ\" หรือ \"ThaiD\"<!-- terms: end --> แต่ที่ถูกคือ แอป\n"
        "<!-- terms: allow -->\n"
        "ตัวอย่างหลายบรรทัด: แอพ\n"
        "ดิจิตอล\n"
        "<!-- terms: end -->\n"
        "แต่บรรทัดนี้ตรวจ: แอพ\n"))
    assert _found(minimal) == [("course/modules/fake-news.md", line + 7, 19, "แอป")]


def test_an_allow_marker_never_ended_is_reported(minimal):
    line = _append(_lesson(minimal), "ตัวอย่าง <!-- terms: allow -->แอพ\nดิจิตอล\n")
    course, _ = load_course(minimal)
    found = [(p.code, p.line, p.column) for p in check_terms(course)]
    assert found == [("terms-marker", line, 10)]  # and nothing after it is checked


def test_front_matter_and_quiz_fields_are_placed_exactly(minimal):
    lesson = _lesson(minimal)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "title: รู้เท่าทันข่าวปลอม", "title: รู้เท่าทันข่าวปลอมในโลกดิจิตอล").replace(
        "  - ตรวจสอบข่าวก่อนแชร์ได้", '  - "ตรวจสอบข่าวก่อนแชร์ในแอพได้"'), encoding="utf-8")
    quiz = minimal / "quizzes" / "fake-news.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(
        "    prompt: ได้รับข่าวแปลก ๆ ทางไลน์ ควรทำอย่างไรก่อน",
        "    prompt: >-\n      ได้รับข่าวแปลก ๆ ทางไลน์\n      ควรทำอย่างไรก่อนแชร์ต่อในแอพ").replace(
        "      - text: หยุดและตรวจสอบ", "      - text: หยุดและตรวจสอบในเว็บไซต์ ไม่ใช่เวปไซต์"), encoding="utf-8")
    assert _found(minimal) == [
        ("course/modules/fake-news.md", 3, 31, "ดิจิทัล"),  # a plain title
        ("course/modules/fake-news.md", 6, 27, "แอป"),  # a quoted objective
        ("quizzes/fake-news.yml", 9, 32, "แอป"),  # a folded prompt's second line
        ("quizzes/fake-news.yml", 11, 46, "เว็บไซต์"),
    ]


def test_references_are_quoted_as_their_publishers_wrote_them(minimal):
    lesson = minimal / "course" / "modules" / "first-steps.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "  - title: ข่าวรัฐบาลไทย", "  - title: ข่าวรัฐบาลไทย เรื่องแอพ"), encoding="utf-8")
    assert _found(minimal) == []


def test_linter_reads_each_field_once_and_quickly():
    # Regression guard for the shared prose: one item per body line or YAML string, no duplicates.
    course, _ = load_course(SAMPLE)
    prose = course_prose(course)
    places = [(p.path, p.line, p.column, p.field) for p in prose]
    assert len(places) == len(set(places))
    assert {p.field for p in prose} >= {"body", "title", "objective", "key point", "reference url", "prompt",
                                        "choice", "feedback", "explanation", "quiz title"}
