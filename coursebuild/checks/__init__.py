"""Stage 2: checks over the loaded course. Each returns a list of Problems; none prints.

One module per kind of check; `check_course` runs them all, and `load_checked_course` is what
every command calls: load, then check, and hand over the course only when there is no error.
"""
from __future__ import annotations

from pathlib import Path

from coursebuild.checks.links import check_links, check_quiz_images
from coursebuild.checks.notes import check_trainer_notes_closed
from coursebuild.checks.safety import check_addresses, check_content_html, check_symlinks
from coursebuild.checks.text import check_texts
from coursebuild.problems import Problem
from coursebuild.source.load import Course


def check_search_words(course: Course) -> list[Problem]:
    """course/search-variants.yml is content too: report its mistakes in `check`, not only at build."""
    from coursebuild.render.site.search import load_search_words

    return load_search_words(course.root)[1]


def check_course(course: Course) -> list[Problem]:
    """Every check that needs the whole course loaded."""
    return [*check_texts(course), *check_links(course), *check_quiz_images(course),
            *check_trainer_notes_closed(course), *check_search_words(course),
            *check_content_html(course), *check_addresses(course), *check_symlinks(course)]


def load_checked_course(root: Path) -> tuple[Course | None, list[Problem]]:
    """Load and check everything. The course is returned only when no error was found."""
    from coursebuild.source.load import load_course

    course, problems = load_course(root)
    if course is not None:
        problems += check_course(course)
    if any(p.is_error for p in problems):
        return None, problems
    return course, problems
