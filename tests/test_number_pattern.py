"""Certificate numbers: the default pattern comes from the course, never from another course, and
the pattern of a cohort is fixed once numbers exist. (Regression, issue 14: every course's numbers
started with อสด-, and changing number_pattern after printing silently renamed every issued
number, so the papers already handed out showed ไม่พบ on the verify page.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import build, copy_course
from test_certificates import new_cohort, row

from coursebuild.certificates.cohort_config import default_number_pattern, number_mark
from coursebuild.certificates.plan import plan_cohort, save_cohort_state
from coursebuild.certificates.registry import PATTERN_FILE
from coursebuild.certificates.roster import load_course_cohort
from coursebuild.checks import load_checked_course

ROWS = [row(1, "นาย", "สมชาย", "ใจดี", hours="2.5"), row(2, "นาง", "สมศรี", "มีสุข", hours="2.5"),
        row(3, "นางสาว", "สมหญิง", "รักเรียน", hours="2.5")]


@pytest.mark.parametrize("name, mark", [("อสด.", "อสด"), ("อสม.", "อสม"), ("health-osm", "HEALTH-OSM"),
                                        ("สุขภาพ อสม.", "สุขภาพอสม"), ("a/b#c?", "ABC"), ("...", "CERT")])
def test_the_mark_is_the_short_name_as_a_safe_upper_case_number(name, mark):
    assert number_mark(name) == mark


def _project(tmp_path: Path, **changes) -> Path:
    """The minimal course (short name ทดสอบ) with one three-trainee cohort."""
    root = copy_course("minimal", tmp_path)
    changes.setdefault("course", "minimal")
    changes.setdefault("eligibility", {"min_hours": 2, "min_score": 60})
    folder = new_cohort(root, "c1", ROWS, **changes)
    config = yaml.safe_load((folder / "cohort.yml").read_text(encoding="utf-8"))
    if "number_pattern" not in changes:
        config.pop("number_pattern", None)
    (folder / "cohort.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _issue(root: Path):
    """Plan the cohort and keep its state, as `certificates` does (without rendering PDFs)."""
    course, problems = load_checked_course(root)
    assert course is not None, problems
    loaded = load_course_cohort(course, root / "roster" / "c1")
    if loaded.cohort is None:
        return None, loaded.problems
    plan, problems = plan_cohort(loaded.cohort)
    assert problems == []
    save_cohort_state(plan)
    return plan, loaded.problems


def _rows_as_yaml(root: Path) -> str:
    return (root / "roster" / "c1" / "cohort.yml").read_text(encoding="utf-8")


def test_without_number_pattern_numbers_start_with_the_courses_own_short_name(tmp_path):
    root = _project(tmp_path)
    plan, _ = _issue(root)
    numbers = [o.number for o in plan.issued]
    assert len(numbers) == 3 and all(re.fullmatch(r"ทดสอบ-2565-BKK1-000\d-[0-9A-Z]{8}", n) for n in numbers), numbers
    assert plan.public.prefix == "ทดสอบ-2565-BKK1-"
    kept = (root / "roster" / "c1" / PATTERN_FILE).read_text(encoding="utf-8")
    assert kept.rstrip("\n").split("\n")[-1] == default_number_pattern("ทดสอบ")


def test_changing_the_pattern_once_numbers_exist_is_an_error_at_number_pattern(tmp_path, capsys):
    root = _project(tmp_path)
    first, _ = _issue(root)
    path = root / "roster" / "c1" / "cohort.yml"
    path.write_text(_rows_as_yaml(root) + 'number_pattern: "TEST-{year}-{serial:04d}-{check}"\n', encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    assert build(root, "certificates") == 1
    out = capsys.readouterr().out
    assert re.search(rf"roster/c1/cohort.yml:{line}:\d+: error\[number-pattern-changed\]: 3 number\(s\) of this cohort "
                     r"were issued as 'ทดสอบ-\{year\}-\{cohort\}-\{serial:04d\}-\{check\}' "
                     rf"\(roster/c1/{PATTERN_FILE}\)", out), out
    assert 'put back number_pattern: "ทดสอบ-{year}-{cohort}-{serial:04d}-{check}"' in out
    assert not (root / "dist" / "certificates").exists()


def test_a_new_short_name_does_not_rename_a_cohorts_issued_numbers(tmp_path, capsys):
    root = _project(tmp_path)
    _issue(root)
    config = root / "course" / "course.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("short_name: ทดสอบ", "short_name: ใหม่"),
                      encoding="utf-8")
    plan, problems = _issue(root)
    assert plan is None and [p.code for p in problems] == ["number-pattern-changed"]
    assert "the default number pattern (from course.yml's short_name) now gives 'ใหม่-" in problems[0].message


def test_renumbering_on_purpose_is_writing_the_new_pattern_into_the_pattern_file(tmp_path):
    root = _project(tmp_path)
    first, _ = _issue(root)
    path = root / "roster" / "c1" / "cohort.yml"
    path.write_text(_rows_as_yaml(root) + 'number_pattern: "TEST-{year}-{serial:04d}-{check}"\n', encoding="utf-8")
    (root / "roster" / "c1" / PATTERN_FILE).write_text("TEST-{year}-{serial:04d}-{check}\n", encoding="utf-8")
    second, problems = _issue(root)
    assert problems == []
    assert [o.number.split("-")[:3] for o in second.issued] == [["TEST", "2565", f"000{n}"] for n in (1, 2, 3)]
    # the serials stay: the same trainees, renamed numbers
    assert [o.number.split("-")[2] for o in second.issued] == [o.number.split("-")[3] for o in first.issued]


def test_a_cohort_issued_before_patterns_were_kept_keeps_the_pattern_it_has(tmp_path):
    root = _project(tmp_path)
    _issue(root)
    (root / "roster" / "c1" / PATTERN_FILE).unlink()
    plan, problems = _issue(root)
    assert problems == [] and plan is not None
    assert (root / "roster" / "c1" / PATTERN_FILE).is_file()


def test_before_any_number_exists_the_pattern_may_change_freely(tmp_path):
    root = _project(tmp_path, number_pattern="ONE-{year}-{serial:04d}-{check}")
    course, _ = load_checked_course(root)
    loaded = load_course_cohort(course, root / "roster" / "c1")
    assert loaded.problems == [] and loaded.cohort.number_pattern == "ONE-{year}-{serial:04d}-{check}"
    assert not (root / "roster" / "c1" / PATTERN_FILE).exists()
