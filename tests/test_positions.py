"""Link and image positions come from the Markdown parse (coursebuild/page_links.py), so each
occurrence is reported at its own line and column.

Regression (issue 13): two identical broken links on two lines were reported once, at the first
line, because positions came from searching the text for the address.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from coursebuild.checks import load_checked_course
from coursebuild.page_links import page_references
from coursebuild.render.print.printdoc import make_module_view
from coursebuild.source.load import load_course

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _course_with_lesson(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", root, ignore=shutil.ignore_patterns("site", "dist"))
    lesson = root / "course" / "modules" / "first-steps.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.rstrip("\n") + "\n\n" + body, encoding="utf-8")
    return root


def _line_of(root: Path, needle: str, occurrence: int = 0) -> int:
    lines = (root / "course" / "modules" / "first-steps.md").read_text(encoding="utf-8").split("\n")
    return [n for n, text in enumerate(lines, 1) if needle in text][occurrence]


def _problems(root: Path, code: str) -> list[tuple[int, int]]:
    _, problems = load_checked_course(root)
    return sorted((p.line, p.column) for p in problems if p.code == code and p.path.endswith("first-steps.md"))


def test_two_identical_broken_links_are_two_problems_each_at_its_own_line(tmp_path):
    root = _course_with_lesson(tmp_path, "อ่าน[ที่นี่](gone.md)ก่อน\n\nแล้วอ่าน[ที่นี่](gone.md)อีกครั้ง\n")
    first, second = _line_of(root, "gone.md", 0), _line_of(root, "gone.md", 1)
    assert first != second
    assert _problems(root, "broken-link") == [(first, 14), (second, 18)]


def test_two_identical_missing_images_are_two_problems(tmp_path):
    root = _course_with_lesson(tmp_path, "![รูป](../images/gone.svg)\n\n- ![รูป](../images/gone.svg)\n")
    lines = [_line_of(root, "gone.svg", 0), _line_of(root, "gone.svg", 1)]
    assert _problems(root, "missing-image") == [(lines[0], 8), (lines[1], 10)]


def test_an_address_in_a_code_block_does_not_take_the_real_links_position(tmp_path):
    root = _course_with_lesson(tmp_path, "```\n[ตัวอย่าง](gone.md)\n```\n\nอ่าน[ที่นี่](gone.md)\n")
    code_line, link_line = _line_of(root, "gone.md", 0), _line_of(root, "gone.md", 1)
    assert _problems(root, "broken-link") == [(link_line, 14)]
    assert code_line < link_line


def test_a_reference_link_is_reported_where_its_address_is_written(tmp_path):
    root = _course_with_lesson(tmp_path, "อ่าน[ที่นี่][ref] ก่อน\n\n[ref]: gone.md\n")
    assert _problems(root, "broken-link") == [(_line_of(root, "[ref]: gone.md"), 8)]


def test_raw_html_links_and_images_keep_their_positions(tmp_path):
    root = _course_with_lesson(tmp_path, '<p><a href="gone.md">ก</a></p>\n\n<p><a href="gone.md">ข</a></p>\n')
    assert [line for line, _ in _problems(root, "broken-link")] == [_line_of(root, "gone.md", 0),
                                                                    _line_of(root, "gone.md", 1)]


def test_references_keep_document_order_addresses_and_alt_text(tmp_path):
    refs = page_references(tmp_path, "a [x](one.md#h) b\n\n![รูป &amp; ภาพ](p.svg \"t\")\n\n<img src='q.svg'>\n", 5)
    assert [(r.kind, r.url, r.line, r.column, r.alt) for r in refs] == [
        ("link", "one.md#h", 5, 7, None), ("image", "p.svg", 7, 18, "รูป & ภาพ"), ("image", "q.svg", 9, 11, None)]


def test_print_reports_each_missing_image_of_a_worksheet_at_its_line(tmp_path):
    root = _course_with_lesson(tmp_path, '!!! activity "ลองทำ"\n    ![รูป](../images/gone.svg)\n\n'
                                         '    ![รูป](../images/gone.svg)\n')
    course, _ = load_course(root)  # unchecked: print's own problems are the ones tested
    module = next(m for m in course.modules if m.id == "first-steps")
    _, problems = make_module_view(course, module, 1, "handout")
    assert sorted((p.line, p.column) for p in problems if p.code == "missing-image") == [
        (_line_of(root, "gone.svg", 0), 12), (_line_of(root, "gone.svg", 1), 12)]
