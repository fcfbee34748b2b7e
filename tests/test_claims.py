"""The claims register (course/claims.yml) covers every claim of the course, and `check` warns at
the place of a number, law, web address or app name that no entry covers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursebuild.checks import load_checked_course
from coursebuild.checks.claims import check_claims, find_claims
from coursebuild.checks.prose import course_prose
from coursebuild.cli import main
from coursebuild.source.load import load_course


@pytest.fixture
def course_copy(tmp_path) -> Path:
    """The repository's course and quizzes, to change."""
    for part in ("course", "quizzes"):
        shutil.copytree(SAMPLE / part, tmp_path / part)
    return tmp_path


def _append(path: Path, text: str) -> int:
    before = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(before + "\n\n" + text, encoding="utf-8")
    return before.count("\n") + 3


def _claims(root: Path) -> list[tuple[str, str, int, int, str]]:
    course, problems = load_course(root)
    assert course is not None, problems
    return sorted((p.code, p.path, p.line, p.column, p.message.split("'")[1]) for p in check_claims(course))


def test_the_register_covers_every_claim_of_the_course():
    course, problems = load_course(SAMPLE)
    assert problems == [] and course.claims is not None
    assert len(course.claims.claims) >= 56
    assert check_claims(course) == []


def test_a_new_number_domain_law_or_app_in_a_lesson_is_reported_at_its_place(course_copy):
    lesson = course_copy / "course" / "modules" / "fake-news.md"
    line = _append(lesson, "โทร 1111 กด 87 หรือดูที่ www.fake-help.go.th ตามพระราชบัญญัติลิขสิทธิ์ มาตรา 32 "
                           "ผ่านแอป Shopee\n")
    path = "course/modules/fake-news.md"
    assert _claims(course_copy) == [
        ("claim-unregistered", path, line, 5, "1111"),
        ("claim-unregistered", path, line, 13, "87"),
        ("claim-unregistered", path, line, 26, "www.fake-help.go.th"),
        ("claim-unregistered", path, line, 49, "พระราชบัญญัติลิขสิทธิ์"),
        ("claim-unregistered", path, line, 72, "มาตรา 32"),
        ("claim-unregistered", path, line, 89, "Shopee"),
    ]


def test_check_warns_and_strict_fails_on_an_unregistered_number(course_copy, capsys):
    quiz = course_copy / "quizzes" / "online-safety.yml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("โทร 1441 ทันที", "โทร 1441 หรือ 1599 ทันที", 1), encoding="utf-8")
    assert main(["--root", str(course_copy), "check"]) == 0
    out = capsys.readouterr().out
    assert "warning[claim-unregistered]: the number '1599' is in no entry of course/claims.yml" in out
    line = next(i for i, text_line in enumerate(text.split("\n"), 1) if "โทร 1441 ทันที" in text_line)
    assert f"quizzes/online-safety.yml:{line}:" in out
    assert main(["--root", str(course_copy), "check", "--strict"]) == 1


def test_a_registered_claim_copied_to_an_unlisted_file_is_reported_there(course_copy):
    lesson = course_copy / "course" / "modules" / "personal-data.md"
    line = _append(lesson, "ถ้าถูกหลอกให้โอนเงิน โทร 1441 ทันที\n")
    assert _claims(course_copy) == [
        ("claims-where-unlisted", "course/modules/personal-data.md", line, 26, "1441")]


def test_numbering_links_heading_ids_and_web_address_paths_are_not_claims(course_copy):
    lesson = course_copy / "course" / "modules" / "fake-news.md"
    _append(lesson, (
        "## ขั้นที่สอง {#step-22}\n\n"
        "1. ข้อแรก\n"
        "12. ข้อที่สิบสอง อ่าน[ขั้นที่ 1](digital-law.md#section-14) ด้วย\n"
        "    **ความเข้าใจผิดที่พบบ่อย:** (1) \"แชร์ได้\" (2) \"ลบได้\"\n"
        "ดู https://www.antifakenewscenter.com/?p=62459 และ `9999`\n"))
    assert _claims(course_copy) == []


@pytest.mark.parametrize("text, tokens", [
    ("โทร 1441 หรือ 1111 กด 87", [("number", "1441"), ("number", "1111"), ("number", "87")]),
    ("10.00–10.15 น. ผู้เข้าอบรม 1,080 นาที", [("number", "10.00–10.15"), ("number", "1,080")]),
    ("มาตรา 14 (5) ของ พ.ร.บ.คอมพิวเตอร์", [("law", "มาตรา 14"), ("number", "5"), ("law", "พ.ร.บ.")]),
    ("อนุมาตราที่ อสด. ควรรู้", []),  # the word มาตรา alone is no claim
    ("ใช้ .com ไม่ใช่ .go.th", [("domain", ".com"), ("domain", ".go.th")]),
    ("ที่ www.thaipoliceonline.go.th, หรือ thaigov.go.th.", [("domain", "www.thaipoliceonline.go.th"),
                                                             ("domain", "thaigov.go.th")]),
    ("https://tcsd.go.th/%E0%B9%80x/", [("domain", "tcsd.go.th")]),  # the path's digits are the address's
    # App names: whole Latin words; an app claim's match strings count too (@antifakenewscenter).
    ("LINE @antifakenewscenter, ThaID และ ThaIDs หรือ xLINE", [("app", "LINE"), ("app", "@antifakenewscenter"),
                                                              ("app", "ThaID")]),
])
def test_what_counts_as_a_claim(text, tokens):
    course, _ = load_course(SAMPLE)
    from coursebuild.checks.claims import _app_pattern

    found = [(t.kind, text[t.start:t.end]) for t in find_claims(text, _app_pattern(course.claims))]
    assert found == tokens


def test_claims_in_front_matter_and_quiz_fields_are_placed_exactly(course_copy):
    lesson = course_copy / "course" / "modules" / "digital-law.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "  - โทษจำคุกไม่เกิน 5 ปี", "  - โทษจำคุกไม่เกิน 7 ปี", 1), encoding="utf-8")
    line = next(i for i, text in enumerate(lesson.read_text(encoding="utf-8").split("\n"), 1)
                if "จำคุกไม่เกิน 7 ปี" in text)
    found = _claims(course_copy)
    assert ("claim-unregistered", "course/modules/digital-law.md", line, 21, "7") in found


def test_the_prose_checked_covers_every_page_and_quiz():
    course, _ = load_course(SAMPLE)
    paths = {p.path for p in course_prose(course)}
    assert {"course/index.md", "course/glossary.md", "course/trainers.md"} <= paths
    assert {f"course/modules/{m.id}.md" for m in course.modules} <= paths
    assert {q.path for q in course.quizzes.values()} <= paths


# --- whatever an editor types into the registers, check answers with problems ----------------------

VALID_CLAIMS = """claims:
  - id: hotline-1441
    claim: "สายด่วน 1441"
    kind: phone
    module: fake-news
    total_minutes: 90
    parts_minutes: [30, 60]
    match: ["1441", "โทร 1441"]
    where: [course/modules/fake-news.md]
    source: {fact_sheet: "Fake news and online crime", checked: 2026-11-30}
"""
VALID_TERMS = """terms:
  - term: แอป
    group: app
    misspellings: [แอพ]
    synonyms: [App]
words: [ติ๊กต็อก]
"""
PIECES = st.sampled_from(["\n", "\n  ", "  - ", "- ", ": ", "[", "]", "{", "}", ",", "'", '"', "#", "&a ", "*a",
                          "id: ", "match: ", "where: ", "kind: ", "app", "source: ", "term: ", "misspellings: ",
                          "words: ", "1441", "-1", "2026-11-30", "~", "ก", "่", "\u200b", "../../etc/passwd",
                          "course/index.md", "ThaiD", "\t", "\x00", "!!binary ", "? ", "|", ">"])


@st.composite
def mutated(draw, text: str):
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "indent", "insert", "truncate"]))
        if edit == "delete" and len(lines) > 1:
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "indent":
            lines[i] = "  " + lines[i]
        elif edit == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + "".join(draw(st.lists(PIECES, max_size=4))) + lines[i][at:]
        else:
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def register_course(tmp_path_factory):
    from conftest import copy_course

    return copy_course("minimal", tmp_path_factory.mktemp("registers"))


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claims=mutated(VALID_CLAIMS), terms=mutated(VALID_TERMS))
def test_any_register_text_gives_problems_never_an_exception(register_course, claims, terms):
    (register_course / "course" / "claims.yml").write_text(claims, encoding="utf-8")
    (register_course / "course" / "terms.yml").write_text(terms, encoding="utf-8")
    course, problems = load_checked_course(register_course, strict=True)
    for p in problems:
        assert p.path and p.line >= 0 and p.column >= 0 and p.code and p.message
