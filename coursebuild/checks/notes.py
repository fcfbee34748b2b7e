"""Trainer notes (`!!! trainer`): kept off the trainee site, so they must be well formed.
"""
from __future__ import annotations

import re

from coursebuild.checks.links import all_pages
from coursebuild.problems import Problem
from coursebuild.source.load import Course


def check_trainer_notes_closed(course: Course) -> list[Problem]:
    """A trainer note written without its 4-space indent would leak onto the trainee site."""
    problems: list[Problem] = []
    for page in all_pages(course):
        lines = page.body.split("\n")
        for index, line in enumerate(lines):
            if re.match(r"^\s*(!!!|\?\?\?\+?)\s+trainer\b", line):
                rest = [x for x in lines[index + 1:] if x.strip()]
                if not rest or not rest[0].startswith(("    ", "\t")):
                    problems.append(Problem(page.path, page.body_line + index, 1, "trainer-note-empty",
                                            "the trainer note has no indented text, so its text would show to trainees",
                                            "indent the note's lines by 4 spaces under '!!! trainer'"))
    return problems
