"""`build.py build` plans everything before writing anything, and `check` validates rosters
(issue 13): a bad roster row stops a build before any site, handout or certificate output is
written or replaced, and `check` reports it at its row and column without issuing anything.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, SAMPLE, build

from coursebuild.checks import load_checked_course

HEADER = ["ลำดับ", "คำนำหน้า", "ชื่อ", "นามสกุล", "จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน", "ชั่วโมงอบรม", "คะแนน"]
COHORT = "demo-2567"


def _write_rows(folder: Path, rows: list[list[str]]) -> None:
    with open(folder / "trainees.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _row(no: int, first: str, score: str = "80") -> list[str]:
    return [str(no), "นาย", first, "ใจดี", "ขอนแก่น", "เมืองขอนแก่น", "นาดี", "บ้านหนองบัว", "2", score]


@pytest.fixture
def project(tmp_path) -> Path:
    """The minimal course with one small cohort like the sample (its logos, signatures, rules)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", root, ignore=shutil.ignore_patterns("site", "dist"))
    sample = SAMPLE / "roster" / "sample-2565-bkk"
    folder = root / "roster" / COHORT
    folder.mkdir(parents=True)
    for path in sample.glob("*.svg"):
        shutil.copy(path, folder / path.name)
    config = yaml.safe_load((sample / "cohort.yml").read_text(encoding="utf-8"))
    config["course"] = "minimal"
    config["code"] = "DEMO"
    # The minimal course is 2.5 hours, and course_hours are whole: attendance in hours instead.
    config["eligibility"] = {"min_hours": 2, "min_score": 60}
    (folder / "cohort.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _write_rows(folder, [_row(1, "สมชาย"), _row(2, "สมศักดิ์"), _row(3, "สมหมาย")])
    return root


def _files(root: Path) -> dict[str, bytes]:
    """Every file under the project's outputs and rosters, by path."""
    out = {}
    for top in ("site", "dist", "roster"):
        for path in sorted((root / top).rglob("*")) if (root / top).exists() else []:
            if path.is_file() and path.name != ".lock":  # the lock is taken while planning, by design
                out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _break_row(root: Path) -> tuple[int, int]:
    """Row 3's score made unreadable; returns its line and column in trainees.csv."""
    _write_rows(root / "roster" / COHORT, [_row(1, "สมชาย"), _row(2, "สมศักดิ์", "แปดสิบ"), _row(3, "สมหมาย")])
    return 3, HEADER.index("คะแนน") + 1


def test_a_bad_roster_row_stops_build_before_any_output_is_written_or_replaced(project, capsys):
    for name, text in (("site/index.html", "old site"), ("site/handouts/old.pdf", "%PDF old"),
                       (f"dist/certificates/{COHORT}/summary.csv", "old summary"),
                       (f"published/verify/{COHORT}.json", "{}"), ("dist/trainer/old.pdf", "%PDF old")):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    line, column = _break_row(project)
    before = _files(project)

    assert build(project, "build") == 1

    out = capsys.readouterr().out
    assert f"roster/{COHORT}/trainees.csv:{line}:{column}: error[" in out
    assert _files(project) == before, "build wrote or replaced output before finding the bad row"
    leftovers = [p for top in ("site", "dist") for p in (project / top).rglob(".*") if ".lock" not in p.name]
    assert leftovers == []


def test_a_fresh_project_with_a_bad_roster_row_gets_no_output_at_all(project):
    _break_row(project)
    before = _files(project)
    assert build(project, "build") == 1
    assert not (project / "site").exists() and not (project / "dist").exists()
    assert _files(project) == before  # no .secret, no numbers.csv: nothing was numbered for keeps


def test_check_reports_a_bad_roster_row_at_its_position_and_issues_nothing(project, capsys):
    line, column = _break_row(project)
    before = _files(project)
    assert build(project, "check") == 1
    out = capsys.readouterr().out
    assert f"roster/{COHORT}/trainees.csv:{line}:{column}: error[" in out
    assert _files(project) == before


def test_check_reports_a_bad_cohort_file_at_its_position(project, capsys):
    config = project / "roster" / COHORT / "cohort.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("start_date: '2022-03-11'", "start_date: soon")
                      .replace("start_date: 2022-03-11", "start_date: soon"), encoding="utf-8")
    assert "start_date: soon" in config.read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text(encoding="utf-8").split("\n"), 1) if "start_date" in text)
    assert build(project, "check") == 1
    assert f"roster/{COHORT}/cohort.yml:{line}:" in capsys.readouterr().out


def test_check_accepts_a_good_roster_and_writes_nothing(project):
    before = _files(project)
    assert build(project, "check") == 0
    assert _files(project) == before
    assert load_checked_course(project)[0] is not None


@pytest.mark.pdf
@pytest.mark.slow
def test_build_hands_the_manifest_and_verify_hashes_to_the_site_in_memory(project, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("build read back what an earlier step wrote")

    # The handout manifest in site/ is never read back, and the hash files in published/verify/ are
    # hidden: the site can only have this cohort's hashes from memory.
    monkeypatch.setattr("coursebuild.render.site.build.read_handout_manifest", refuse)
    monkeypatch.setattr("coursebuild.render.site.verify_page.public_files", lambda root: [])
    assert build(project, "build") == 0
    published = project / "site" / "verify" / "data" / f"{COHORT}.json"
    assert published.read_bytes() == (project / "published" / "verify" / f"{COHORT}.json").read_bytes()
    assert len(json.loads(published.read_text(encoding="utf-8"))["valid"]) == 3
    downloads = (project / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((project / "site" / "handouts" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest and all(f"../{entry['file']}" in downloads for entry in manifest)


def test_a_bad_site_engine_setting_stops_build_before_certificates_and_handouts(project, capsys):
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", project / "theme")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("engine: mkdocs", "engine: hugo"), encoding="utf-8")
    assert "engine: hugo" in config.read_text(encoding="utf-8")
    before = _files(project)
    assert build(project, "build") == 1
    assert "error[site-engine-setting]" in capsys.readouterr().out
    assert _files(project) == before
