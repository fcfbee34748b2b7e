"""Problems found in content, and the exception that carries them to the CLI.

Checks return lists of `Problem`; nothing here prints. One reporter (`report.py`) formats them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the project root, with forward slashes
    line: int  # 1-based; 0 when the whole file is meant
    column: int  # 1-based; 0 when the whole line is meant
    code: str  # stable, documented in CONTRIBUTING.md
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def as_errors(problems: list[Problem]) -> list[Problem]:
    """Every warning made an error: `check --strict`, e.g. before a course is published."""
    return [p if p.is_error else dataclasses.replace(p, severity="error") for p in problems]


class ContentError(Exception):
    """Raised by a build stage when the content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def relpath(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
