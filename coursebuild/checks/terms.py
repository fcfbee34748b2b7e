"""The terms linter: a misspelling from course/terms.yml in the prose is a warning at its place.

Matching follows the header of terms.yml. One regular expression holds every spelling of the file
(canonical terms and synonyms too), longest first, so at any position the longest listed spelling
wins: แอพพลิเคชั่น is one misspelling of แอปพลิเคชัน, not แอพ plus a rest, and a misspelling is never
looked for inside a correct longer spelling (เวป inside เว็บไซต์, ไลน์ inside ออนไลน์). Thai spellings
match anywhere in a run of Thai letters, since Thai has no spaces between words; Latin spellings
match case-sensitively as whole words (ThaiD is flagged, ThaID is not). One pass over each text:
the expression is linear in the text, whatever the number of terms.
"""
from __future__ import annotations

import re

from coursebuild.checks.prose import (
    ALLOW,
    ALLOW_END,
    TERMS_FIELDS,
    Prose,
    course_prose,
    literal_pattern,
    starts_word,
)
from coursebuild.problems import Problem
from coursebuild.source.load import Course, Page
from coursebuild.source.terms import Spelling, Terms


class Speller:
    """Finds the misspellings of terms.yml in a text: one compiled pattern for the whole check."""

    def __init__(self, terms: Terms):
        self.by_text = {s.text: s for s in terms.spellings}
        self.pattern = literal_pattern(self.by_text)

    def misspellings(self, text: str) -> list[tuple[int, Spelling]]:
        """(offset, spelling) of each misspelling in `text` (already blanked where not to look)."""
        found = []
        for m in self.pattern.finditer(text):
            spelling = self.by_text[m.group()]
            if spelling.kind == "misspelling" and starts_word(text, m):
                found.append((m.start(), spelling))
        return found


def check_terms(course: Course, prose: list[Prose] | None = None) -> list[Problem]:
    """A warning for every misspelling in lessons, quizzes, glossary, home page and trainers' guide."""
    terms = course.terms
    if terms is None:
        return []
    speller = Speller(terms)
    problems: list[Problem] = []
    for prose in course_prose(course) if prose is None else prose:
        if prose.field not in TERMS_FIELDS:
            continue
        for offset, spelling in speller.misspellings(prose.for_terms):
            line, column = prose.position(offset, len(spelling.text))
            problems.append(Problem(
                prose.path, line, column, "term-misspelling",
                f"'{spelling.text}' is not the course's spelling of '{spelling.term}'",
                f"write '{spelling.term}' ({terms.path} line {spelling.line}); to quote the misspelling on "
                "purpose, wrap it in <!-- terms: allow --> … <!-- terms: end -->", severity="warning"))
    for page in [course.home, *(m.page for m in course.modules), *course.pages]:
        problems += check_allow_markers(page)
    return problems


def check_allow_markers(page: Page) -> list[Problem]:
    """An allow marker without its end would silence the linter for the rest of the page."""
    problems = []
    opened = None
    for m in re.finditer(f"{ALLOW.pattern}|{ALLOW_END.pattern}", page.body):
        if ALLOW.fullmatch(m.group()):
            if opened is None:
                opened = m
        elif opened is None:
            problems.append(_marker_problem(page, m.start(), "<!-- terms: end --> has no <!-- terms: allow --> before it",
                                            "delete it, or put <!-- terms: allow --> before the quoted example"))
        else:
            opened = None
    if opened is not None:
        problems.append(_marker_problem(page, opened.start(), "<!-- terms: allow --> is never ended, so the terms "
                                        "check skips the rest of the page",
                                        "put <!-- terms: end --> right after the quoted example"))
    return problems


def _marker_problem(page: Page, offset: int, message: str, hint: str) -> Problem:
    before = page.body[:offset]
    line = page.body_line + before.count("\n")
    column = offset - (before.rfind("\n") + 1) + 1
    return Problem(page.path, line, column, "terms-marker", message, hint, severity="warning")
