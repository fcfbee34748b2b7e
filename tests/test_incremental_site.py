"""The preview rebuilds only what a save changed (render/site/build.py SiteBuilder, issue 13), and
that must give the same site, file for file, as a full build of the same content.
"""
from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from conftest import copy_course

from coursebuild.checks import load_checked_course
from coursebuild.render.site.build import SiteBuilder, render_site
from coursebuild.render.site.search_index import read_search_index


def _course(root: Path):
    course, problems = load_checked_course(root)
    assert course is not None, problems
    return course


def _differences(a: Path, b: Path) -> list[str]:
    """Files that differ, or are in one tree only, between two folders."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return sorted(out)


def _full_build(root: Path, where: Path) -> Path:
    out = where / "full"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    render_site(_course(root), out, "mkdocs", handouts=[])
    return out


@pytest.fixture
def preview(tmp_path):
    root = copy_course("minimal", tmp_path / "project")
    builder = SiteBuilder(tmp_path / "preview", tmp_path / "docs", keep=True, token="0" * 24)
    builder.build(_course(root), "mkdocs", [], incremental=True)
    assert builder.last_full
    return root, builder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_lesson_edit_rebuilds_only_changed_pages_and_gives_the_full_builds_site(preview, tmp_path):
    root, builder = preview
    lesson = root / "course" / "modules" / "first-steps.md"
    lesson.write_text(lesson.read_text(encoding="utf-8")
                      + "\n## ตารางใหม่\n\n| ขั้น | ทำอะไร |\n|---|---|\n| ๑ | หยุดคิดก่อนแชร์ |\n", encoding="utf-8")
    builder.build(_course(root), "mkdocs", [], incremental=True)
    assert not builder.last_full, "a lesson edit should not rebuild every page"
    assert "หยุดคิดก่อนแชร์" in (builder.out / "modules" / "first-steps" / "index.html").read_text(encoding="utf-8")
    assert any("ตารางใหม่" in doc["t"].replace("\u200b", "") for doc in read_search_index(builder.out)["docs"])
    assert _differences(builder.out, _full_build(root, tmp_path)) == []


def test_a_quiz_edit_rebuilds_the_quiz_page_and_gives_the_full_builds_site(preview, tmp_path):
    root, builder = preview
    quiz = next((root / "quizzes").glob("*.yml"))
    text = quiz.read_text(encoding="utf-8")
    prompt = next(line for line in text.split("\n") if "prompt:" in line)
    _edit(quiz, prompt, prompt.rstrip() + " (แก้ไขแล้ว)")
    builder.build(_course(root), "mkdocs", [], incremental=True)
    assert not builder.last_full
    assert "(แก้ไขแล้ว)" in (builder.out / "quiz" / quiz.stem / "index.html").read_text(encoding="utf-8")
    assert _differences(builder.out, _full_build(root, tmp_path)) == []


def test_a_title_change_rebuilds_every_page(preview, tmp_path):
    root, builder = preview
    _edit(root / "course" / "modules" / "fake-news.md", "title: ", "title: ใหม่ ")
    builder.build(_course(root), "mkdocs", [], incremental=True)
    assert builder.last_full, "every page's navigation shows the title"
    assert _differences(builder.out, _full_build(root, tmp_path)) == []


def test_a_removed_image_rebuilds_every_page(preview, tmp_path):
    root, builder = preview
    (root / "course" / "images" / "unused.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>',
                                                          encoding="utf-8")
    builder.build(_course(root), "mkdocs", [], incremental=True)
    (root / "course" / "images" / "unused.svg").unlink()
    builder.build(_course(root), "mkdocs", [], incremental=True)
    assert builder.last_full and not (builder.out / "images" / "unused.svg").exists()
    assert _differences(builder.out, _full_build(root, tmp_path)) == []


def test_cut_text_kept_between_builds_gives_the_same_index_without_loading_the_dictionaries(tmp_path, monkeypatch):
    from conftest import build

    from coursebuild.render.site import search

    root = copy_course("minimal", tmp_path / "project")
    assert build(root, "site") == 0
    first = (root / "site" / "search" / "index.js").read_bytes()
    assert list((root / "build" / "search-cache").glob("*.json")), "the cut text was not kept"

    def refuse(extra):
        raise AssertionError("every text was cut before: the dictionaries should not be needed")

    search._MEMORY.clear()  # as a new process: only build/search-cache/ remembers
    monkeypatch.setattr(search, "_dictionaries", refuse)
    assert build(root, "site") == 0
    assert (root / "site" / "search" / "index.js").read_bytes() == first
    monkeypatch.undo()

    monkeypatch.setenv("COURSEBUILD_CACHE", "off")
    assert build(root, "site") == 0
    assert (root / "site" / "search" / "index.js").read_bytes() == first
