"""What the build keeps in a cohort folder: numbers.csv (serials, forever), revoked.txt, and .secret."""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from coursebuild.certificates.cells import read_cell
from coursebuild.certificates.sheets import too_big
from coursebuild.certificates.trainees import name_key, place_key
from coursebuild.problems import Problem, relpath

REGISTRY_FILE = "numbers.csv"


REVOKED_FILE = "revoked.txt"


# The number pattern every issued number of the cohort was made with, written when the first
# numbers are issued. A number is printed on paper and checked against the site for years, so the
# pattern may not change once numbers exist (roster/README.md: "Changing the number pattern").
PATTERN_FILE = "numbers-pattern.txt"


SECRET_FILE = ".secret"


SECRET_ENV_PREFIX = "COURSE_CERT_SECRET_"
# The name the first release used (named after the sample course, อสด. = OSD); still read, after
# the new one, so that a build machine set up then keeps working.
LEGACY_SECRET_ENV_PREFIX = "OSD_CERT_SECRET_"


LOCK_FILE = ".lock"  # held (flock) by a `certificates` run while it works on the cohort


@dataclass(frozen=True)
class RegistryEntry:
    serial: int
    name: str
    place: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return name_key(self.name), place_key(self.place)


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str
    line: int


REGISTRY_HEADER = ["serial", "name", "place"]


def load_registry(path: Path, root: Path) -> tuple[list[RegistryEntry], list[Problem]]:
    if not path.is_file():
        return [], []
    rel = relpath(path, root)
    big = too_big(path, rel)
    if big:
        return [], [big]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return [], [Problem(rel, 0, 0, "unreadable", f"cannot read the file: {exc.strerror}", "")]
    except UnicodeDecodeError:
        return [], [Problem(rel, 0, 0, "not-utf8", "the serial registry is not UTF-8 text",
                            "restore it from your backup; never re-save it in another encoding")]
    reader = csv.reader(io.StringIO(text, newline=""))
    entries: list[RegistryEntry] = []
    problems: list[Problem] = []
    serials: dict[int, int] = {}
    keys: dict[tuple[str, str], int] = {}
    for values in reader:
        line = reader.line_num
        if line == 1:
            if values != REGISTRY_HEADER:
                problems.append(Problem(rel, 1, 0, "bad-registry", f"the header should be {','.join(REGISTRY_HEADER)}",
                                        "restore the file from your backup"))
                break
            continue
        if not values:
            continue
        if len(values) != 3 or not values[0].isdigit():
            problems.append(Problem(rel, line, 0, "bad-registry", "this row is not 'serial,name,place'",
                                    "restore the file from your backup"))
            continue
        entry = RegistryEntry(int(values[0]), read_cell(values[1]), read_cell(values[2]), line)
        if entry.serial in serials:
            problems.append(Problem(rel, line, 1, "bad-registry",
                                    f"serial {entry.serial} is given twice (first on line {serials[entry.serial]})",
                                    "a serial belongs to one certificate forever; restore the file from your backup"))
            continue
        if entry.key in keys:
            problems.append(Problem(rel, line, 2, "bad-registry",
                                    f"{entry.name} has two serials (first on line {keys[entry.key]})",
                                    "keep the first row; revoke the other number if it was printed"))
            continue
        serials[entry.serial] = line
        keys[entry.key] = line
        entries.append(entry)
    return entries, problems


def load_issued_pattern(folder: Path, root: Path) -> tuple[str | None, list[Problem]]:
    """The pattern the cohort's numbers were issued with (numbers-pattern.txt), or None."""
    path = folder / PATTERN_FILE
    if not path.is_file():
        return None, []
    rel = relpath(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, [Problem(rel, 0, 0, "bad-registry", "the cohort's number pattern file cannot be read",
                              "restore it from your backup, or write the pattern the printed numbers use, on one line")]
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) != 1:
        return None, [Problem(rel, 1, 1, "bad-registry", "the cohort's number pattern file should hold one pattern",
                              "write the pattern the printed numbers use, e.g. ABC-{year}-{cohort}-{serial:04d}-{check}")]
    return lines[0], []


def pattern_file_text(pattern: str) -> str:
    return ("# The pattern of every certificate number issued in this cohort (kept by `build.py certificates`).\n"
            "# Never edit it, except to renumber on purpose: see roster/README.md, \"Changing the number pattern\".\n"
            f"{pattern}\n")


def load_revocations(path: Path, root: Path) -> tuple[list[Revocation], list[Problem]]:
    if not path.is_file():
        return [], []
    rel = relpath(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(rel, 0, 0, "not-utf8", "revoked.txt is not UTF-8 text", "save it as UTF-8")]
    revocations = []
    for line, raw in enumerate(text.splitlines(), 1):
        number, _, reason = raw.partition("#")
        number = number.strip()
        if number:
            revocations.append(Revocation(number, reason.strip(), line))
    return revocations, []


_PLAIN_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def secret_env_name(cohort_id: str, prefix: str = SECRET_ENV_PREFIX) -> str:
    """The environment variable that may hold a cohort's secret. Different ids never share one.

    An id of lower-case English letters and digits, with single hyphens between them, is written
    in upper case with '_' for '-' (sample-2565-bkk → COURSE_CERT_SECRET_SAMPLE_2565_BKK); such a
    name never has two '_' in a row after the prefix. Any other id (Thai, upper case, '_', '--')
    is written as '_' and the hex of its UTF-8 bytes (รุ่น1 → COURSE_CERT_SECRET__E0B8A3…31), so
    it starts with '__' and cannot meet a name of the first kind."""
    if _PLAIN_ID.fullmatch(cohort_id):
        return prefix + cohort_id.upper().replace("-", "_")
    return prefix + "_" + cohort_id.encode("utf-8").hex().upper()


def load_secret(folder: Path, root: Path) -> tuple[str, list[Problem]]:
    """The cohort's check-code key: env var COURSE_CERT_SECRET_<COHORT> (or the first release's
    OSD_CERT_SECRET_<COHORT>), else roster/<cohort>/.secret."""
    value, where = "", ""
    for env in (secret_env_name(folder.name), secret_env_name(folder.name, LEGACY_SECRET_ENV_PREFIX)):
        value, where = os.environ.get(env, ""), env
        if value:
            break
    path = folder / SECRET_FILE
    if not value and path.is_file():
        value, where = path.read_text(encoding="ascii", errors="replace").strip(), relpath(path, root)
    if value and not re.fullmatch(r"[0-9a-f]{32,}", value):
        return "", [Problem(where, 0, 0, "bad-secret", "the certificate secret is not at least 32 hex digits",
                            "restore it from your backup: every printed check code depends on it")]
    return value, []
