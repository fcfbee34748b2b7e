"""`python build.py new-module`: the new files hold every field in the model's order, the course
still passes check (and builds), course.yml keeps its comments, and mistakes change nothing."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursebuild.checks import load_checked_course
from coursebuild.cli import main
from coursebuild.editor.scaffold import (
    add_module_to_config,
    create_module,
    module_text,
    quiz_text,
)
from coursebuild.source import model
from coursebuild.source.load import split_front_matter

PROJECT = Path(__file__).resolve().parent.parent
MINIMAL = PROJECT / "tests" / "fixtures" / "minimal"
TITLE = "ซื้อของออนไลน์อย่างปลอดภัย: ตอนที่ #1"  # ':' and '#' must survive as YAML


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "course-repo"
    shutil.copytree(MINIMAL, dest, ignore=shutil.ignore_patterns("site"))
    return dest


def _names(cls: type) -> list[str]:
    return [f.name for f in model.editable_fields(cls)]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_module_then_check_is_clean_and_the_site_builds(root, capsys):
    assert main(["--root", str(root), "new-module", "online-shopping", "--title", TITLE]) == 0
    out = capsys.readouterr().out
    assert "created course/modules/online-shopping.md" in out and "created quizzes/online-shopping.yml" in out
    course, problems = load_checked_course(root)
    assert problems == [] and course is not None
    assert [m.id for m in course.modules] == ["first-steps", "fake-news", "online-shopping"]
    assert course.module("online-shopping").meta.title == TITLE
    assert course.quizzes["online-shopping"].data.title == f"แบบทดสอบ {TITLE}"
    assert main(["--root", str(root), "site"]) == 0
    lesson = (root / "site" / "modules" / "online-shopping" / "index.html").read_text(encoding="utf-8")
    assert "กิจกรรม: ชื่อกิจกรรม" in lesson and "ช่วยเพื่อนบ้าน" in lesson
    assert "ข้อความในกล่องนี้ไม่แสดง" not in lesson  # the trainer block stays off the site


def test_command_line_new_module_then_check_exits_0(root):
    def run(*args):
        return subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(root), *args],
                              capture_output=True, text=True, timeout=120)

    created = run("new-module", "data-privacy", "--title", "ข้อมูลส่วนบุคคล")
    assert created.returncode == 0, created.stdout + created.stderr
    checked = run("check")
    assert (checked.returncode, checked.stdout) == (0, "ok: no problems found\n")


def test_module_front_matter_has_every_field_in_model_order():
    tree, _, _, problems = split_front_matter(module_text("x", "ชื่อ"), "x.md")
    assert not problems
    assert list(tree.value) == _names(model.ModuleMeta)
    # The commented example reference names Reference's fields in order, ready to uncomment.
    example = re.findall(r"^#\s+-?\s*(\w+):", module_text("x", "ชื่อ"), re.M)
    assert example == _names(model.Reference)


def test_quiz_stub_has_every_field_in_model_order_and_optional_ones_ready_to_uncomment():
    text = quiz_text("x", "ชื่อ")
    # Uncomment the optional fields (all but the first line, the editor's schema line).
    first, rest = text.split("\n", 1)
    assert first == "# yaml-language-server: $schema=../schemas/quiz.schema.json"
    full = yaml.safe_load(re.sub(r"^(\s*)# ?", r"\1", rest, flags=re.M))
    assert list(full) == _names(model.QuizFile)
    question = full["questions"][0]
    assert list(question) == _names(model.Question)
    assert list(question["image"]) == _names(model.Image)
    assert all(list(choice) == _names(model.Choice) for choice in question["choices"])


def test_course_yml_keeps_comments_and_gains_one_line(root):
    config = root / "course" / "course.yml"
    text = "# หลักสูตร: comments stay\n" + config.read_text(encoding="utf-8").replace(
        "  - fake-news\n", "  - fake-news   # บทที่สอง\n# end of modules\n")
    config.write_text(text, encoding="utf-8")
    written, problems = create_module(root, "new-one", "บทใหม่")
    assert problems == [] and config in written
    assert config.read_text(encoding="utf-8") == text.replace("  - fake-news   # บทที่สอง\n",
                                                              "  - fake-news   # บทที่สอง\n  - new-one\n")


@pytest.mark.parametrize("before,after", [
    ("modules: [a, b]\npages: []\n", "modules: [a, b, new-one]\npages: []\n"),
    ("modules: [a,\n  b]  # two\n", "modules: [a,\n  b, new-one]  # two\n"),
    ("modules:\n- a\n- b\n", "modules:\n- a\n- b\n- new-one\n"),
    ("modules:\r\n  - a\r\n", "modules:\r\n  - a\r\n  - new-one\r\n"),
])
def test_module_is_appended_to_any_list_style(before, after):
    assert add_module_to_config(before, "course/course.yml", "new-one") == (after, [])


def test_module_listed_without_a_file_gets_its_files_and_course_yml_is_untouched(root):
    config = root / "course" / "course.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - fake-news\n", "  - fake-news\n  - later\n"),
                      encoding="utf-8")
    before = config.read_bytes()
    assert load_checked_course(root)[1][0].code == "unknown-module"
    written, problems = create_module(root, "later", "บทถัดไป")
    assert problems == [] and config not in written and config.read_bytes() == before
    assert load_checked_course(root)[1] == []


@pytest.mark.parametrize("slug,title,code", [
    ("fake-news", "ซ้ำ", "already-exists"),
    ("Fake_News", "ชื่อ", "bad-format"),
    ("ข่าวปลอม", "ชื่อ", "bad-format"),
    ("ok-slug", "   ", "empty-text"),
])
def test_mistakes_are_refused_and_change_nothing(root, capsys, slug, title, code):
    before = _files(root)
    assert main(["--root", str(root), "new-module", slug, "--title", title]) == 1
    out = capsys.readouterr().out
    assert f"error[{code}]" in out and "Traceback" not in out
    assert _files(root) == before


def test_new_module_needs_a_title(root, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(root), "new-module", "x"])
    assert exit_info.value.code == 2
