"""A cohort's certificates are kept, not rendered again, when nothing that decides them changed.

Every `build.py build` issues every cohort, and rendering the sample's 177 certificates and its
sign-in sheet is about 2 s: time spent again after an edit to a lesson, which changes no
certificate. A cohort's output folder is kept as it is when this key is the same as the one the
last run stored beside it, a SHA-256 over everything its files are made from:

- every render job as given to the workers (certificate and sign-in HTML, CSS, design, QR
  addresses, file names, which files WeasyPrint may read) and the bytes of each of those files
  (logos, signatures);
- the summary rows, the holders' baked Open Badges (they carry the secret's salts) and the
  build date written into the PDFs (SOURCE_DATE_EPOCH);
- the files of theme/certificate/, the versions of WeasyPrint and the libraries it writes with,
  and the source of the whole coursebuild package (any code change renders again).

The key is kept in the cohort's own private folder (dist/certificates/<cohort>/.render-key, owner
only), never in build/: it is computed from names. The folder is also rendered again when any
file it should hold is missing, and always with COURSEBUILD_CACHE=off.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from coursebuild import cache
from coursebuild.cache import folder_fingerprint, pdf_code_fingerprint
from coursebuild.certificates.plan import CohortPlan
from coursebuild.certificates.pool import Job
from coursebuild.pdf import source_date

KEY_FILE = ".render-key"
# Stands in for the staging folder in the jobs' file names, which is new on every run.
_OUT = Path("/cohort-output")
_PACKAGE = Path(__file__).resolve().parents[1]


def package_fingerprint() -> str:
    """Every Python file of coursebuild/, by path and content."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(f"{path.relative_to(_PACKAGE).as_posix()}\0{cache.file_digest(path)}\n".encode())
    return h.hexdigest()


def render_key(plan: CohortPlan, jobs: Iterable[Job], theme: Path, summary: bytes,
               badges: dict[str, bytes]) -> str:
    """The key of one cohort's output. `jobs` are made with `placeholder_out()` as their folder."""
    h = hashlib.sha256()
    h.update(f"{pdf_code_fingerprint()}\n{package_fingerprint()}\n{folder_fingerprint(theme)}\n".encode())
    h.update(f"date={source_date().isoformat()}\n".encode())
    for job in jobs:
        h.update(repr(dataclasses.astuple(job)).encode())
        for name in job.allowed:
            h.update(f"{name}\0{cache.file_digest(Path(name))}\n".encode())
    h.update(summary)
    for number, png in sorted(badges.items()):
        h.update(f"{number}\0".encode() + hashlib.sha256(png).digest())
    h.update(f"cohort={plan.cohort.id}\n".encode())
    return h.hexdigest()


def placeholder_out() -> Path:
    return _OUT


def reusable(dest: Path, key: str, expected: Iterable[str]) -> bool:
    """True when `dest` was made from `key` and still holds every file in `expected` (relative)."""
    if not cache.enabled():
        return False
    try:
        stored = (dest / KEY_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return stored == key and all((dest / name).is_file() for name in expected)


def store_key(out: Path, key: str) -> None:
    """Written last into the staging folder, owner-only like everything beside it."""
    fd = os.open(out / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
