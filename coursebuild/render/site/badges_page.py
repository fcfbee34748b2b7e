"""Open Badges on the public site: dist/badges/ (from `build.py certificates`) copied to site/badges/.

A hosted Open Badge is verified by fetching its `id`, so the Issuer, BadgeClasses, their image and
every Assertion must be served at the addresses written in them: under course.yml's site_url, in
badges/. The files hold no personal data (see coursebuild/certificates/badges.py).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from coursebuild.certificates.badges import PUBLIC_DIR, SITE_DIR, public_badge_files

# What a badge folder may hold; anything else found there (an editor's backup, a stray file) stays out.
PUBLISHED_SUFFIXES = (".json", ".png")


def write_badge_docs(course, docs: Path) -> int:
    """Copy the public badge files into the MkDocs docs folder; returns how many."""
    base = course.root / PUBLIC_DIR
    count = 0
    for path in public_badge_files(course.root):
        if path.suffix not in PUBLISHED_SUFFIXES:
            continue
        target = docs / SITE_DIR / path.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        count += 1
    return count
