"""A course's own rules live in its course.yml (`requirements:`) and `check` enforces them: the
tool demands nothing of a course that declares nothing, and reports each broken rule where it
can be fixed. (Before, tests/test_curriculum.py demanded nine modules and 8–12 questions of
whatever course the repository held, so an agency's own course failed `make test`.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build, copy_course

from coursebuild.checks import load_checked_course


def _require(root: Path, text: str) -> None:
    path = root / "course" / "course.yml"
    path.write_text(path.read_text(encoding="utf-8") + "requirements:\n" + text, encoding="utf-8")


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _codes(root: Path) -> list[tuple[str, str, int, str]]:
    _, problems = load_checked_course(root)
    return [(p.code, p.path, p.line, p.message) for p in problems]


def test_a_course_without_requirements_needs_nothing_more(tmp_path):
    root = copy_course("minimal", tmp_path)
    assert load_checked_course(root)[1] == []


def test_the_sample_course_meets_what_it_declares():
    from conftest import SAMPLE

    course, problems = load_checked_course(SAMPLE, strict=True)
    assert problems == [] and course is not None
    rules = course.config.requirements
    assert (rules.modules.min, rules.modules.max, rules.questions_per_quiz.min, rules.questions_per_quiz.max) == \
        (9, 9, 8, 12)
    assert set(rules.module_sections) == {"key_points", "references", "activity", "neighbour", "trainer", "quiz"}


def test_module_count_is_reported_on_modules_of_course_yml(tmp_path):
    root = copy_course("minimal", tmp_path)
    _require(root, "  modules: {min: 9, max: 9}\n")
    line = _line(root / "course" / "course.yml", "modules:")
    assert ("requirement-modules", "course/course.yml", line,
            "the course has 2 module(s); its requirements ask for exactly 9") in _codes(root)


def test_every_quiz_and_module_is_held_to_the_courses_numbers_in_one_run(tmp_path):
    root = copy_course("minimal", tmp_path)
    _require(root, "  objectives_per_module: {min: 3}\n  questions_per_quiz: {min: 2, max: 12}\n"
                   "  question_types_per_quiz: {min: 2}\n")
    found = _codes(root)
    quiz = root / "quizzes" / "fake-news.yml"
    assert ("requirement-questions", "quizzes/fake-news.yml", _line(quiz, "questions:"),
            "the quiz of fake-news has 1 question(s); the course's requirements ask for 2 to 12") in found
    assert ("requirement-question-types", "quizzes/fake-news.yml", _line(quiz, "questions:"),
            "the quiz of fake-news uses 1 kind(s) of question (single); the course's requirements ask for "
            "at least 2") in found
    for module, count in (("first-steps", 2), ("fake-news", 1)):
        path = root / "course" / "modules" / f"{module}.md"
        assert ("requirement-objectives", f"course/modules/{module}.md", _line(path, "objectives:"),
                f"module {module} has {count} objective(s); the course's requirements ask for at least 3") in found
    # first-steps has three question types and three questions: nothing about it
    assert not [f for f in found if f[1] == "quizzes/first-steps.yml"]


def test_required_sections_point_at_the_module_that_lacks_them(tmp_path):
    root = copy_course("minimal", tmp_path)
    _require(root, "  module_sections: [key_points, references, activity, neighbour, trainer, quiz]\n")
    lesson = root / "course" / "modules" / "fake-news.md"
    text = lesson.read_text(encoding="utf-8")
    text = re.sub(r"!!! activity[^\n]*\n(    [^\n]*\n|\n)*", "", text)
    lesson.write_text(text, encoding="utf-8")
    (root / "quizzes" / "fake-news.yml").unlink()
    found = [(c, p, m) for c, p, _, m in _codes(root)]
    assert ("requirement-section", "course/modules/fake-news.md",
            "module fake-news has no '!!! activity' box, which the course's requirements ask of every module") in found
    assert ("requirement-section", "course/modules/fake-news.md",
            "module fake-news has no quiz, which the course's requirements ask of every module") in found
    assert not [f for f in found if "first-steps" in f[1]]


def test_an_impossible_range_is_one_problem_not_one_per_module(tmp_path):
    root = copy_course("minimal", tmp_path)
    _require(root, "  questions_per_quiz: {min: 12, max: 8}\n")
    found = _codes(root)
    assert [f[0] for f in found] == ["requirement-range"]
    assert found[0][2] == _line(root / "course" / "course.yml", "questions_per_quiz:")


@pytest.mark.parametrize("typed, code", [("  modules: 9\n", "wrong-type"),
                                         ("  module_sections: [summary]\n", "bad-value")])
def test_requirements_are_validated_like_any_field(tmp_path, capsys, typed, code):
    root = copy_course("minimal", tmp_path)
    _require(root, typed)
    assert build(root, "check") == 1
    assert f"error[{code}]" in capsys.readouterr().out
