"""Learning time is learning time: each module's duration is its trainer note's time box without
the breaks, the modules add up to the hours course.yml requires, the claims register says the same,
and a certificate's course hours are the course's learning time."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, build, copy_course

from coursebuild.checks.learning_time import (
    check_claimed_durations,
    check_course_total,
    check_time_boxes,
    course_minutes,
    module_parts,
)
from coursebuild.source.load import load_course


@pytest.fixture
def course_copy(tmp_path) -> Path:
    for part in ("course", "quizzes"):
        shutil.copytree(SAMPLE / part, tmp_path / part)
    return tmp_path


def _course(root: Path):
    course, problems = load_course(root)
    assert course is not None, problems
    return course


def _edit(path: Path, old: str, new: str) -> int:
    """Replace once; return the line of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_the_course_adds_up_to_18_hours_of_learning_time():
    course = _course(SAMPLE)
    assert course.config.requirements.min_hours == 18
    assert course_minutes(course) == 18 * 60
    assert check_time_boxes(course) == check_course_total(course) == check_claimed_durations(course) == []
    # Every module has a time box, and it is what the register says.
    registered = {c.data.module: c.data for c in course.claims.claims if c.data.module}
    for module in course.modules:
        assert module_parts(module) == registered[module.id].parts_minutes, module.id
        assert sum(module_parts(module)) == module.meta.duration == registered[module.id].total_minutes


def test_a_break_in_the_time_box_does_not_count(course_copy):
    lesson = course_copy / "course" / "modules" / "digital-law.md"
    line = _edit(lesson, "ลิขสิทธิ์เบื้องต้น 15 นาที, กิจกรรม 25 นาที", "ลิขสิทธิ์เบื้องต้น 15 นาที, พักเบรก 15 นาที, กิจกรรม 10 นาที")
    problems = check_time_boxes(_course(course_copy))
    assert [(p.code, p.line) for p in problems] == [("time-box-mismatch", line)]
    assert "5 + 20 + 10 + 15 + 10 + 15 = 75 minutes (breaks left out: พักเบรก 15), but duration is 90" in \
        problems[0].message


def test_a_duration_that_differs_from_the_time_box_is_reported_at_both_numbers(course_copy):
    lesson = course_copy / "course" / "modules" / "digital-law.md"
    _edit(lesson, "duration: 90", "duration: 100")
    text = lesson.read_text(encoding="utf-8")
    line = next(i for i, text_line in enumerate(text.split("\n"), 1) if "**เวลา 90 นาที:**" in text_line)
    problems = check_time_boxes(_course(course_copy))
    assert [(p.code, p.line, p.column) for p in problems] == [
        ("time-box-mismatch", line, text.split("\n")[line - 1].index("90") + 1),  # the total
        ("time-box-mismatch", line, text.split("\n")[line - 1].index("5 นาที") + 1),  # the parts
    ]
    # The register's entry for the module disagrees now too.
    found = [(p.code, p.path) for p in check_claimed_durations(_course(course_copy))]
    assert found == [("claims-duration-mismatch", "course/claims.yml")]


def test_a_course_shorter_than_the_requirement_fails_check(course_copy, capsys):
    _edit(course_copy / "course" / "modules" / "digital-law.md", "duration: 90", "duration: 60")
    _edit(course_copy / "course" / "modules" / "digital-law.md", "**เวลา 90 นาที:**", "**เวลา 60 นาที:**")
    _edit(course_copy / "course" / "modules" / "digital-law.md", "กิจกรรม 25 นาที, แบบทดสอบ 15 นาที",
          "แบบทดสอบ 10 นาที")
    assert build(course_copy, "check") == 1
    out = capsys.readouterr().out
    config = (course_copy / "course" / "course.yml").read_text(encoding="utf-8")
    line = next(i for i, text in enumerate(config.split("\n"), 1) if "min_hours" in text)
    assert (f"course/course.yml:{line}:14: error[course-too-short]: the modules' durations add up to 17 hours "
            "30 minutes, less than the 18 hours the curriculum requires") in out


def test_without_requirements_no_total_is_imposed(tmp_path):
    root = copy_course("minimal", tmp_path)
    assert check_course_total(_course(root)) == []


def _cohort(project: Path, **eligibility) -> Path:
    path = project / "roster" / "sample-2565-bkk" / "cohort.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["eligibility"] = eligibility
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_sample_cohort_certifies_the_courses_18_hours():
    config = yaml.safe_load((SAMPLE / "roster" / "sample-2565-bkk" / "cohort.yml").read_text(encoding="utf-8"))
    assert config["eligibility"]["course_hours"] * 60 == course_minutes(_course(SAMPLE))


@pytest.mark.parametrize("eligibility, message", [
    ({"course_hours": 6, "min_attendance_percent": 80}, "eligibility course_hours is 6, but the course's "
                                                         "learning time is 18 hours"),
    ({"course_hours": 20, "min_attendance_percent": 80}, "eligibility course_hours is 20"),
    ({"min_hours": 19}, "eligibility min_hours is 19"),
])
def test_certificates_refuse_hours_other_than_the_courses(tmp_path, capsys, eligibility, message):
    project = copy_course("sample", tmp_path)
    path = _cohort(project, **eligibility)
    assert build(project, "certificates") == 1
    out = capsys.readouterr().out
    key = next(iter(eligibility)) if "course_hours" in eligibility else "min_hours"
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if f"{key}:" in text)
    assert re.search(rf"roster/sample-2565-bkk/cohort.yml:{line}:\d+: error\[cohort-course-hours\]: {message}", out)
    assert not (project / "dist" / "certificates").exists()  # nothing written


def test_min_hours_within_the_course_is_accepted(tmp_path):
    from coursebuild.certificates.roster import load_cohort
    from coursebuild.checks.learning_time import check_cohort_hours

    project = copy_course("sample", tmp_path)
    _cohort(project, min_hours=14)
    course = _course(project)
    loaded = load_cohort(project / "roster" / "sample-2565-bkk", project, course.config.id, False)
    assert loaded.cohort is not None and check_cohort_hours(course, loaded.cohort) == []
