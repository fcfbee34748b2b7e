"""A cohort's certificates are kept when nothing that decides them changed (issue 13: every build
rendered the 177 sample certificates again after a lesson edit), and rendered again whenever
anything does: a roster value, the cohort settings, the design, a missing file, or the caches
switched off. A kept folder is byte for byte what a fresh render gives.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build, copy_course
from test_certificates import new_cohort, row

COHORT = "reuse"
KEPT = "unchanged since the last run, kept"


def files(root: Path) -> dict[str, tuple[int, bytes]]:
    out = root / "dist" / "certificates" / COHORT
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, capsys):
    root = copy_course("sample", tmp_path)
    for other in (root / "roster").iterdir():  # one small cohort keeps each run short
        if other.is_dir():
            shutil.rmtree(other)
    new_cohort(root, COHORT, [row(1, "นาย", "ก้องภพ", "ศรีสุข"), row(2, "นาง", "ขวัญใจ", "บุญมา")], code="RUSE")
    assert build(root, "certificates") == 0
    assert KEPT not in capsys.readouterr().out
    return root


def run(root: Path, capsys) -> str:
    assert build(root, "certificates") == 0
    return capsys.readouterr().out


def test_an_unchanged_cohort_is_kept_as_it_is(project, capsys):
    before = files(project)
    assert KEPT in run(project, capsys)
    assert files(project) == before  # not even rewritten: same times, same bytes


def test_a_kept_folder_is_what_a_fresh_render_gives(project, capsys, monkeypatch):
    kept = {name: data for name, (_, data) in files(project).items()}
    monkeypatch.setenv("COURSEBUILD_CACHE", "off")
    assert KEPT not in run(project, capsys)
    fresh = {name: data for name, (_, data) in files(project).items()}
    assert fresh == kept


@pytest.mark.parametrize("change", ["name", "cohort-title", "design", "missing-file", "caches-off", "date"])
def test_any_change_renders_the_cohort_again(project, capsys, monkeypatch, change):
    folder = project / "roster" / COHORT
    out = project / "dist" / "certificates" / COHORT
    css = project / "theme" / "certificate" / "certificate.css"
    if change == "design":  # a theme of the project's own (the fixture uses the tool's), built once
        shutil.copytree(ROOT / "theme", project / "theme")
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        run(project, capsys)
        assert KEPT in run(project, capsys)
    before = files(project)
    if change == "name":
        text = (folder / "trainees.csv").read_text(encoding="utf-8-sig")
        (folder / "trainees.csv").write_text(text.replace("ขวัญใจ", "ขวัญฤทัย"), encoding="utf-8-sig")
    elif change == "cohort-title":
        config = folder / "cohort.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("title: ", "title: ก", 1), encoding="utf-8")
    elif change == "design":
        css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    elif change == "missing-file":
        next((out / "by-number").iterdir()).unlink()
    elif change == "caches-off":
        monkeypatch.setenv("COURSEBUILD_CACHE", "off")
    elif change == "date":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    output = run(project, capsys)
    assert KEPT not in output
    after = files(project)
    assert all(after[name][0] != before[name][0] for name in after if name in before)  # all rewritten
    if change == "name":
        assert any(b"\xe0\xb8\xa4" in data for name, (_, data) in after.items() if name.endswith(".csv"))
