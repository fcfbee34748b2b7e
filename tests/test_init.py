"""`build.py init` turns the sample course into a new one, and refuses to destroy real content.

(The whole walk, on a clean clone with make's build and the quick test tier, is
tests/test_adoption.py.)"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, build

from coursebuild.checks import load_checked_course

ARGS = ["init", "--id", "health-osm", "--title", "การใช้ดิจิทัลเพื่อสุขภาพสำหรับ อสม. [ทดลอง]",
        "--organiser", "สำนักงานสาธารณสุขจังหวัดขอนแก่น & เครือข่าย", "--short-name", "อสม."]


@pytest.fixture
def project(tmp_path) -> Path:
    """The sample course as a clone holds it (no git here: nothing counts as uncommitted), with a
    previous build's outputs and the sample cohort's public files."""
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    for name in ("site", "dist/verify", "build/docs"):
        (root / name).mkdir(parents=True)
    (root / "published" / "verify").mkdir(parents=True)
    (root / "published" / "verify" / "sample-2565-bkk.json").write_text("{}", encoding="utf-8")
    (root / "published" / "badges" / "sample-2565-bkk").mkdir(parents=True)
    (root / "published" / "README.md").write_text("kept", encoding="utf-8")
    return root


def test_init_replaces_the_sample_with_a_skeleton_that_passes_check_strict(project, capsys):
    assert build(project, *ARGS) == 0
    out = capsys.readouterr().out
    for gone in ("course", "quizzes", "roster/sample-2565-bkk", "site", "dist", "build",
                 "published/verify/sample-2565-bkk.json", "published/badges/sample-2565-bkk"):
        assert f"removed {gone}\n" in out, gone
        assert gone in ("course", "quizzes") or not (project / gone).exists(), gone
    assert not (project / "course" / "modules" / "fake-news.md").exists()
    assert not (project / "quizzes" / "fake-news.yml").exists()
    assert (project / "published" / "README.md").read_text(encoding="utf-8") == "kept"
    course, problems = load_checked_course(project, strict=True)
    assert problems == [] and course is not None
    config = course.config
    assert (config.id, config.title, config.organisers[0].name, config.short_name) == (
        "health-osm", "การใช้ดิจิทัลเพื่อสุขภาพสำหรับ อสม. [ทดลอง]", "สำนักงานสาธารณสุขจังหวัดขอนแก่น & เครือข่าย",
        "อสม.")
    assert config.site_url == "https://example.org/health-osm/" and config.requirements is None
    assert [m.id for m in course.modules] == ["introduction"] and list(course.quizzes) == ["introduction"]
    assert [p.name for p in course.pages] == ["glossary.md", "trainers.md"]
    assert course.claims is not None and course.claims.claims == () and course.terms is not None
    home = (project / "course" / "index.md").read_text(encoding="utf-8")
    assert "**การใช้ดิจิทัลเพื่อสุขภาพสำหรับ อสม. \\[ทดลอง\\]**" in home  # escaped, dot left alone
    assert "เครือข่าย" in home and "&amp;" in home
    trainers = (project / "course" / "trainers.md").read_text(encoding="utf-8")
    assert "published/verify/<รุ่น>.json" in trainers  # how the office computer publishes a cohort
    text = "\n".join(p.read_text(encoding="utf-8") for p in (project / "course").rglob("*") if p.is_file())
    assert not re.search("อสด|อาสาสมัครดิจิทัล|osd-village", text)


def test_a_new_module_and_a_build_work_right_after_init(project, capsys):
    assert build(project, *ARGS) == 0
    assert build(project, "new-module", "vaccines", "--title", "วัคซีนพื้นฐาน") == 0
    assert build(project, "check", "--strict") == 0
    assert build(project, "site") == 0
    manifest = (project / "site" / "manifest.webmanifest").read_text(encoding="utf-8")
    assert '"short_name": "อสม."' in manifest
    assert "อสม-2565-ABC1-0001-XXXXXXXX" in (project / "site" / "verify" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("make_real, where", [
    (lambda root: (root / "course" / "course.yml").write_text(
        (root / "course" / "course.yml").read_text(encoding="utf-8").replace("id: osd-village", "id: my-course"),
        encoding="utf-8"), "course/course.yml"),
    (lambda root: (root / "roster" / "2566-khonkaen-1").mkdir(parents=True), "roster/2566-khonkaen-1"),
    (lambda root: (root / "published" / "verify" / "2566-khonkaen-1.json").write_text("{}", encoding="utf-8"),
     "published/verify/2566-khonkaen-1.json"),
])
def test_real_content_is_refused_and_nothing_changes(project, capsys, make_real, where):
    make_real(project)
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    assert build(project, *ARGS) == 1
    out = capsys.readouterr().out
    assert re.search(rf"^{re.escape(where)}:0:0: error\[init-real-content\]", out, re.M), out
    assert "add --force" in out
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before


def test_force_replaces_the_course_but_never_deletes_a_real_cohort(project, capsys):
    cohort = project / "roster" / "2566-khonkaen-1"
    cohort.mkdir(parents=True)
    (cohort / "numbers.csv").write_text("serial,name,place\n", encoding="utf-8")
    (project / "published" / "verify" / "2566-khonkaen-1.json").write_text("{}", encoding="utf-8")
    assert build(project, *ARGS, "--force") == 0
    out = capsys.readouterr().out
    assert (cohort / "numbers.csv").is_file()
    assert "kept roster/2566-khonkaen-1: a cohort of the old course" in out
    assert not (project / "published" / "verify" / "2566-khonkaen-1.json").exists()  # the old course's, in git


@pytest.mark.parametrize("args, code", [
    (["init", "--id", "Health OSM", "--title", "ก", "--organiser", "ข"], "bad-format"),
    (["init", "--id", "h", "--title", " ", "--organiser", "ข"], "empty-text"),
    (["init", "--id", "h", "--title", "ก", "--organiser", "ข", "--short-name", "ชื่อย่อที่ยาวเกินสิบสองตัว"],
     "bad-format"),
])
def test_bad_arguments_change_nothing(project, capsys, args, code):
    assert build(project, *args) == 1
    assert f"error[{code}]" in capsys.readouterr().out
    assert (project / "roster" / "sample-2565-bkk").is_dir() and (project / "site").is_dir()


def test_a_cohort_file_of_another_course_is_not_published(project, capsys):
    """Regression (issue 14): the sample cohort's hashes, left after its folder was deleted by
    hand, were published on the new course's verify page."""
    assert build(project, *ARGS) == 0
    stale = project / "published" / "verify" / "sample-2565-bkk.json"
    stale.write_text('{"format": 1, "cohort": "sample-2565-bkk", "course": "osd-village", "prefix": "อสด-2565-BKK1-",'
                     ' "title": "", "issued": "", "valid": [], "revoked": []}', encoding="utf-8")
    capsys.readouterr()
    assert build(project, "site") == 1
    assert "published/verify/sample-2565-bkk.json:0:0: error[verify-other-course]" in capsys.readouterr().out
    stale.unlink()
    assert build(project, "site") == 0
