"""Open Badges on the public site: published/badges/<cohort>/ (from `build.py certificates`,
committed for real cohorts) copied to site/badges/, with the Issuer and the badge image made here
from course.yml.

A hosted Open Badge is verified by fetching its `id`, so the Issuer, BadgeClasses, their image and
every Assertion must be served at the addresses written in them: under course.yml's site_url, in
badges/. The files hold no personal data (see coursebuild/certificates/badges.py).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from coursebuild.certificates.badges import (
    IMAGE_FILE,
    ISSUER_FILE,
    PUBLIC_DIR,
    SITE_DIR,
    badge_image,
    issuer_document,
    json_bytes,
    public_badge_files,
)

# What a badge folder may hold; anything else found there (an editor's backup, a stray file) stays out.
PUBLISHED_SUFFIXES = (".json", ".png")


def write_badge_docs(course, docs: Path) -> int:
    """Copy every cohort's public badge files into the MkDocs docs folder, and write the Issuer
    and the image they point to; returns how many files were copied."""
    base = course.root / PUBLIC_DIR
    count = 0
    for path in public_badge_files(course.root):
        relative = path.relative_to(base)
        # Only cohort folders: an issuer.json or badge.png left at the top by an older version
        # would show old organisers; the current ones are written below from course.yml.
        if path.suffix not in PUBLISHED_SUFFIXES or len(relative.parts) != 2:
            continue
        target = docs / SITE_DIR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        count += 1
    if count and course.config.contact_email:
        (docs / SITE_DIR / ISSUER_FILE).write_bytes(json_bytes(issuer_document(course)))
        (docs / SITE_DIR / IMAGE_FILE).write_bytes(badge_image(course))
    return count
