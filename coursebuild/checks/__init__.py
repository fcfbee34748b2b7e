"""Stage 2: checks over the loaded course. Each returns a list of Problems; none prints.

One module per kind of check; `check_course` runs them all, and `load_checked_course` is what
every command calls: load, then check, and hand over the course only when there is no error.
"""
from __future__ import annotations

from pathlib import Path

from coursebuild.checks.claims import check_claims
from coursebuild.checks.learning_time import (
    check_claimed_durations,
    check_course_total,
    check_time_boxes,
)
from coursebuild.checks.links import check_links, check_quiz_images
from coursebuild.checks.notes import check_trainer_notes_closed
from coursebuild.checks.prose import course_prose
from coursebuild.checks.quiz_quality import check_quiz_quality
from coursebuild.checks.requirements import check_requirements
from coursebuild.checks.safety import (
    check_addresses,
    check_content_html,
    check_symlinks,
    check_tracked_outputs,
)
from coursebuild.checks.terms import check_terms
from coursebuild.checks.text import check_texts
from coursebuild.problems import Problem, as_errors
from coursebuild.source.load import Course


def check_course(course: Course) -> list[Problem]:
    """Every check that needs the whole course loaded."""
    prose = course_prose(course)  # read once: the terms, claims and quiz checks share it
    return [*check_texts(course), *check_links(course), *check_quiz_images(course),
            *check_trainer_notes_closed(course), *check_terms(course, prose), *check_claims(course, prose),
            *check_quiz_quality(course, prose), *check_time_boxes(course), *check_course_total(course),
            *check_requirements(course),
            *check_claimed_durations(course),
            *check_content_html(course), *check_addresses(course), *check_symlinks(course),
            *check_tracked_outputs(course.root)]


def load_checked_course(root: Path, strict: bool = False) -> tuple[Course | None, list[Problem]]:
    """Load and check everything. The course is returned only when no error was found.

    `strict` makes every warning an error (`check --strict`), e.g. before publishing.
    """
    from coursebuild.source.load import load_course

    course, problems = load_course(root)
    if course is not None:
        problems += check_course(course)
    if strict:
        problems = as_errors(problems)
    if any(p.is_error for p in problems):
        return None, problems
    return course, problems
