"""Print PDFs whose inputs have not changed are reused from build/print-cache/ (issue 13), and a
reused PDF is byte-identical to a fresh render; a change to what a document shows renders it again.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build, copy_course

pytestmark = pytest.mark.pdf


def _pdfs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in (root / "site" / "handouts", root / "dist" / "trainer") for p in sorted(folder.glob("*.pdf"))}


def _reused(out: str) -> int:
    match = re.search(r"print: (\d+) of (\d+) PDFs unchanged", out)
    return int(match.group(1)) if match else 0


@pytest.fixture
def printed(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    assert build(root, "handouts") == 0
    assert _reused(capsys.readouterr().out) == 0
    return root


def test_a_reused_pdf_is_byte_identical_to_a_fresh_render(printed, capsys, monkeypatch):
    first = _pdfs(printed)
    assert build(printed, "handouts") == 0
    assert _reused(capsys.readouterr().out) == len(first)
    reused = _pdfs(printed)
    monkeypatch.setenv("COURSEBUILD_CACHE", "off")
    assert build(printed, "handouts") == 0
    assert _reused(capsys.readouterr().out) == 0
    fresh = _pdfs(printed)
    assert reused.keys() == fresh.keys() == first.keys()
    assert [name for name in fresh if reused[name] != fresh[name]] == []


def test_a_changed_image_renders_again_only_the_documents_that_show_it(printed, capsys):
    before = _pdfs(printed)
    image = printed / "course" / "images" / "steps.svg"
    image.write_text(image.read_text(encoding="utf-8").replace("</svg>", '<circle r="3"/></svg>'), encoding="utf-8")
    assert build(printed, "handouts") == 0
    after = _pdfs(printed)
    changed = sorted(name for name in after if after[name] != before[name])
    # The lesson that shows it, and both books; the other lesson, quizzes and answer keys are reused.
    assert changed == ["dist/trainer/course-book-trainer.pdf", "site/handouts/course-book.pdf",
                       "site/handouts/first-steps.pdf"]
    assert _reused(capsys.readouterr().out) == len(after) - 3


def test_the_cache_keeps_one_builds_worth(printed):
    lesson = printed / "course" / "modules" / "fake-news.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nอีกหนึ่งย่อหน้า\n", encoding="utf-8")
    assert build(printed, "handouts") == 0
    entries = list((printed / "build" / "print-cache").glob("*.pdf"))
    assert len(entries) == len(_pdfs(printed))
