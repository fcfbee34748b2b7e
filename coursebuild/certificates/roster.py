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
    load_cohort_config,
)
from coursebuild.certificates.registry import (
    REGISTRY_FILE,
    REVOKED_FILE,
    RegistryEntry,
    Revocation,
    load_registry,
    load_revocations,
    load_secret,
)
from coursebuild.certificates.trainees import Trainee, load_trainees
from coursebuild.problems import Problem, relpath

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

    def image(self, relative: str) -> Path:
        return (self.folder / relative).resolve()


@dataclass(frozen=True)
class LoadedCohort:
    """A cohort and its problems, split by whether --skip-invalid may leave them out."""

    cohort: Optional[Cohort]
    problems: list[Problem]  # errors here stop the cohort
    row_problems: list[Problem]  # bad trainee rows: skippable


def load_cohort(folder: Path, root: Path, course_id: str, default_numerals: bool,
                course_minutes: Optional[int] = None) -> LoadedCohort:
    """`course_minutes`, the course's modules added up, bounds a trainee's hours when cohort.yml
    gives no course_hours (see trainees.hours_limit)."""
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
    trainees, trainee_rel, row_problems, file_problems = load_trainees(folder, root, config, course_minutes)
    problems += file_problems
    registry, sub = load_registry(folder / REGISTRY_FILE, root)
    problems += sub
    revocations, sub = load_revocations(folder / REVOKED_FILE, root)
    problems += sub
    secret, sub = load_secret(folder, root)
    problems += sub
    if config is None or trainees is None or any(p.is_error for p in problems):
        return LoadedCohort(None, problems, row_problems)
    start = dt.date.fromisoformat(config.start_date)
    end = dt.date.fromisoformat(config.end_date) if config.end_date else start
    issued = dt.date.fromisoformat(config.issue_date) if config.issue_date else end
    numerals = default_numerals if config.thai_numerals is None else config.thai_numerals
    cohort = Cohort(folder.name, folder, rel, config, trainees, trainee_rel, registry, revocations, secret,
                    numerals, start, end, issued)
    return LoadedCohort(cohort, problems, row_problems)
