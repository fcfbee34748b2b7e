"""Stage 1 for certificates: read a cohort folder (roster/<cohort-id>/) into typed objects.

A cohort folder holds cohort.yml (dates, venue, organisers, signatories, eligibility rules),
trainees.csv or trainees.xlsx (one row per trainee), and files the build keeps there:
numbers.csv (the serial registry), revoked.txt (revoked certificate numbers) and .secret (the
per-cohort key behind the check codes). Nothing here writes: `load_cohort` returns the cohort as far
as it could be read and every problem, each pointing at a file, row and column.

Real rosters are personal data (PDPA). They stay in roster/, which git ignores except the
synthetic sample cohort; only hashes ever reach the public site (see verify.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from coursebuild.certificates.cohort_config import (
    COHORT_FILE,
    CohortConfig,
    check_cohort_config,
    default_number_pattern,
    load_cohort_config,
)
from coursebuild.certificates.registry import (
    PATTERN_FILE,
    REGISTRY_FILE,
    REVOKED_FILE,
    RegistryEntry,
    Revocation,
    load_issued_pattern,
    load_registry,
    load_revocations,
    load_secret,
)
from coursebuild.certificates.trainees import Trainee, load_trainees
from coursebuild.problems import Problem, relpath
from coursebuild.source.prefixes import (
    Prefixes,
    PrefixesFile,
    Wording,
    check_wordings,
    load_prefixes,
)
from coursebuild.source.yamlsource import Located

ROSTER_DIR = "roster"


@dataclass(frozen=True)
class Cohort:
    id: str  # the folder name
    folder: Path
    path: str  # folder relative to the project root, for messages
    config: CohortConfig
    trainees: list[Trainee]  # valid rows only, in roster order
    trainee_file: str  # relative path of trainees.csv / .xlsx
    registry: list[RegistryEntry]
    revocations: list[Revocation]
    secret: str  # "" until the first build creates one
    numerals: bool  # Thai numerals on print (cohort setting, else the course's)
    start: dt.date
    end: dt.date
    issued: dt.date
    number_pattern: str = ""  # cohort.yml's, else the course's default (cohort_config.default_number_pattern)
    issued_pattern: Optional[str] = None  # what numbers-pattern.txt says the issued numbers use
    prefixes: Optional[Prefixes] = None  # the course's name prefixes and wordings, with the cohort's own

    def wording(self, name: str) -> Wording:
        return self.prefixes.wordings[name]

    def image(self, relative: str) -> Path:
        return (self.folder / relative).resolve()


@dataclass(frozen=True)
class LoadedCohort:
    """A cohort and its problems, split by whether --skip-invalid may leave them out."""

    cohort: Optional[Cohort]
    problems: list[Problem]  # errors here stop the cohort
    row_problems: list[Problem]  # bad trainee rows: skippable


def load_course_cohort(course, folder: Path) -> LoadedCohort:
    """A cohort of this course, read with everything the course decides: its id, numerals, hours,
    default number pattern (from its short name) and name prefixes. What every command that
    reads a roster should call, so that they all see the same numbers."""
    from coursebuild.certificates.cohort_config import course_number_pattern

    return load_cohort(folder, course.root, course.config.id, course.config.thai_numerals,
                       sum(m.meta.duration for m in course.modules), course_number_pattern(course), course.prefixes)


def load_cohort(folder: Path, root: Path, course_id: str, default_numerals: bool,
                course_minutes: Optional[int] = None, default_pattern: Optional[str] = None,
                prefixes: Optional[Prefixes] = None) -> LoadedCohort:
    """`course_minutes`, the course's modules added up, bounds a trainee's hours when cohort.yml
    gives no course_hours (see trainees.hours_limit). `default_pattern` is the number pattern when
    cohort.yml gives none (from the course's short name; else from its id). `prefixes`: the course's
    (course.prefixes); None = theme/certificate/prefixes.yml and course/prefixes.yml, read here."""
    folder = folder.resolve()
    rel = relpath(folder, root)
    config_path = folder / COHORT_FILE
    config_rel = relpath(config_path, root)
    if not config_path.is_file():
        return LoadedCohort(None, [Problem(config_rel, 0, 0, "missing-file", f"{rel} has no {COHORT_FILE}",
                                           "copy roster/sample-2565-bkk/cohort.yml and edit it")], [])
    config, tree, problems = load_cohort_config(config_path, config_rel)
    if config is not None:
        problems += check_cohort_config(config, tree, folder, config_rel, course_id)
    if prefixes is None:
        prefixes, sub = load_prefixes(root)
        problems += sub
    if config is not None and (config.prefixes or config.wordings):
        extra = PrefixesFile(config.prefixes, config.wordings)
        problems += check_wordings(extra, set(prefixes.wordings) | {w.name for w in config.wordings}, config_rel, tree)
        prefixes = prefixes.extended(extra)
    trainees, trainee_rel, row_problems, file_problems = load_trainees(folder, root, config, course_minutes, prefixes)
    problems += file_problems
    registry, sub = load_registry(folder / REGISTRY_FILE, root)
    problems += sub
    revocations, sub = load_revocations(folder / REVOKED_FILE, root)
    problems += sub
    secret, sub = load_secret(folder, root)
    problems += sub
    issued_pattern, sub = load_issued_pattern(folder, root)
    problems += sub
    pattern = ""
    if config is not None:
        pattern = config.number_pattern or default_pattern or default_number_pattern(course_id)
        if registry and issued_pattern is not None and issued_pattern != pattern:
            problems.append(_pattern_changed(tree, config_rel, f"{rel}/{PATTERN_FILE}", issued_pattern, pattern,
                                             len(registry)))
    if config is None or trainees is None or any(p.is_error for p in problems):
        return LoadedCohort(None, problems, row_problems)
    start = dt.date.fromisoformat(config.start_date)
    end = dt.date.fromisoformat(config.end_date) if config.end_date else start
    issued = dt.date.fromisoformat(config.issue_date) if config.issue_date else end
    numerals = default_numerals if config.thai_numerals is None else config.thai_numerals
    cohort = Cohort(folder.name, folder, rel, config, trainees, trainee_rel, registry, revocations, secret,
                    numerals, start, end, issued, pattern, issued_pattern, prefixes)
    return LoadedCohort(cohort, problems, row_problems)


def _pattern_changed(tree: Located, config_rel: str, pattern_rel: str, issued: str, now: str, count: int) -> Problem:
    """Renaming every issued number silently would make every paper already handed out show ไม่พบ."""
    item = tree.value.get("number_pattern") if isinstance(tree.value, dict) else None
    line, column = (item.line, item.column) if item is not None else (1, 1)
    where = "number_pattern" if item is not None else "the default number pattern (from course.yml's short_name)"
    return Problem(config_rel, line, column, "number-pattern-changed",
                   f"{count} number(s) of this cohort were issued as '{issued}' ({pattern_rel}), but {where} "
                   f"now gives '{now}': every printed certificate would stop verifying",
                   f"put back number_pattern: \"{issued}\" in cohort.yml; to renumber on purpose (every paper must "
                   f"be reprinted), write the new pattern into {pattern_rel} (roster/README.md, "
                   "\"Changing the number pattern\")")
