"""Another agency adopts the generator (issue 14): a second course builds with nothing of the
sample course in it, and a clean clone turned into a new course with `build.py init` passes its
own build, check and tests.

- `test_a_second_course_publishes_nothing_of_the_sample_course`: tests/fixtures/health, a
  provincial health office's two-module course with a five-trainee cohort, built end to end
  (certificates, handouts, site, offline zip); every file of site/, dist/ and published/ (PDF text
  by pdftotext, zip members) is searched for the sample course's words.
- `test_init_on_a_clean_clone_gives_a_course_that_builds_and_passes_its_tests`: the tracked files of
  this repository copied as a clone would have them; `init`, two `new-module`s, a three-trainee
  cohort, `make`, `check --strict`, `schema --check`, then `make test-fast` inside the copy (unit
  and golden tests, which include the tests of the project's own course and docs). The browser and PDF tiers are left out there: they test the
  tool on tests/fixtures/, which init does not touch, and would double the time of `make test`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build, copy_course
from test_privacy import file_texts, letters

# Words of the sample course (its name, abbreviation, id, address and organiser) that must never
# reach another course's output.
SAMPLE_WORDS = ("อสด", "อาสาสมัครดิจิทัล", "osd-village", "osd-course.example.org", "ความมั่นคงของมนุษย์")


def sample_words_in(root: Path) -> set[tuple[str, str]]:
    found = set()
    for folder in ("site", "dist", "published"):
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file():
                continue
            for text in file_texts(path):
                for word in SAMPLE_WORDS:
                    if word in text or letters(word) in letters(text):
                        found.add((path.relative_to(root).as_posix(), word))
    return found


def pdf_count(root: Path) -> int:
    return sum(1 for folder in ("site", "dist") for _ in (root / folder).rglob("*.pdf"))


@pytest.mark.pdf
def test_a_second_course_publishes_nothing_of_the_sample_course(tmp_path, capsys):
    root = copy_course("health", tmp_path)
    assert build(root, "build") == 0
    assert build(root, "site", "--offline") == 0
    out = capsys.readouterr().out
    assert "4 certificate(s)" in out and "1 without a certificate" in out
    # what a phone shows of this course: its own name, icon label and number pattern
    manifest = (root / "site" / "manifest.webmanifest").read_text(encoding="utf-8")
    assert '"short_name": "health-osm"' in manifest
    numbers = (root / "dist" / "certificates" / "2567-kkn-1" / "summary.csv").read_text(encoding="utf-8-sig")
    assert "HEALTH-OSM-2567-KKN1-0001-" in numbers
    verify = (root / "site" / "verify" / "index.html").read_text(encoding="utf-8")
    assert "HEALTH-OSM-2565-ABC1-0001-XXXXXXXX" in verify
    assert pdf_count(root) >= 10  # handouts, trainer copies, certificates, sign-in sheet
    assert sample_words_in(root) == set()


def _run(cwd: Path, *command: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def clean_clone(dest: Path) -> Path:
    """The files a clone would hold: those git tracks, and new ones it does not ignore (no site/,
    dist/, secrets or local rosters)."""
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout
    for name in tracked.decode("utf-8").split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def _course_id(project: Path) -> str:
    config = project / "course" / "course.yml"
    found = re.search(r"(?m)^id: *(\S+)", config.read_text(encoding="utf-8")) if config.is_file() else None
    return found.group(1) if found else ""


COHORT_YML = """\
# yaml-language-server: $schema=../../schemas/cohort.schema.json
course: health-osm
code: KKN1
title: รุ่นที่ 1 ขอนแก่น
start_date: 2024-06-10
venue: โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านทุ่ม
organisers:
  - name: สำนักงานสาธารณสุขจังหวัดขอนแก่น
signatories:
  - name: นายแพทย์สมมุติ ตัวอย่าง
    position: นายแพทย์สาธารณสุขจังหวัดขอนแก่น
eligibility:
  course_hours: 3
  min_attendance_percent: 80
"""
TRAINEES = ("ลำดับ,คำนำหน้า,ชื่อ,นามสกุล,จังหวัด,หมู่บ้าน,ชั่วโมงอบรม\n"
            "1,ว่าที่ร้อยตรีหญิง,สมศรี,ใจดี,ขอนแก่น,บ้านโนนม่วง,3\n"
            "2,พระ,สมชาย,ฐิตธมฺโม,ขอนแก่น,บ้านหนองไผ่,3\n"
            "3,นาง,บุญมา,มีสุข,ขอนแก่น,บ้านโนนม่วง,3\n")


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.timeout(2400)  # a build and the quick test tier, inside the copy
def test_init_on_a_clean_clone_gives_a_course_that_builds_and_passes_its_tests(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell which files a clone holds")
    project = clean_clone(tmp_path / "clone")
    python = sys.executable
    # In the generator's own repository the clone holds the sample course, which init replaces
    # as it is; in a course made with init it holds that course, which init replaces only when
    # forced (still a check that init works there).
    force = [] if _course_id(project) == "osd-village" else ["--force"]
    init = _run(project, python, "build.py", "init", "--id", "health-osm", "--title",
                "การใช้ดิจิทัลเพื่อสุขภาพสำหรับ อสม.", "--organiser", "สำนักงานสาธารณสุขจังหวัดขอนแก่น",
                "--short-name", "อสม.", *force)
    assert "created course/course.yml" in init.stdout
    assert force or "removed roster/sample-2565-bkk" in init.stdout
    assert not (project / "roster" / "sample-2565-bkk").exists()
    for slug, title in (("vaccines", "วัคซีนพื้นฐาน"), ("telehealth", "ปรึกษาแพทย์ทางไกล")):
        _run(project, python, "build.py", "new-module", slug, "--title", title)
    cohort = project / "roster" / "2567-kkn-1"
    cohort.mkdir(parents=True)
    (cohort / "cohort.yml").write_text(COHORT_YML, encoding="utf-8")
    (cohort / "trainees.csv").write_text(TRAINEES, encoding="utf-8")

    # `make` and `make test-fast` as a new agency types them, with this suite's installed .venv
    # (VENV=) instead of a second install of every package.
    venv = f"VENV={Path(sys.prefix)}"
    built = _run(project, "make", venv)
    assert "3 certificate(s)" in built.stdout
    assert "published/verify/2567-kkn-1.json" in built.stdout
    _run(project, python, "build.py", "check", "--strict")
    _run(project, python, "build.py", "schema", "--check")
    assert sample_words_in(project) == set()
    summary = (project / "dist" / "certificates" / "2567-kkn-1" / "summary.csv").read_text(encoding="utf-8-sig")
    assert "อสม-2567-KKN1-0001-" in summary and "ว่าที่ร้อยตรีหญิง สมศรี ใจดี" in summary

    # The suite's quick tier in the new course; its course tests read the new course.
    tests = _run(project, "make", "test-fast", venv, timeout=1800)
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    # A second init is refused: the folder now holds a real course and a real cohort.
    again = subprocess.run([python, "build.py", "init", "--id", "other", "--title", "อื่น", "--organiser", "อื่น"],
                           cwd=project, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1
    assert "error[init-real-content]" in again.stdout and "roster/2567-kkn-1" in again.stdout
