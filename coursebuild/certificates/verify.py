"""Certificate verification that publishes no personal data.

How it works (also explained to editors in roster/README.md):

- Every cohort has a secret key (roster/<cohort>/.secret, made with `secrets.token_hex` on the
  first build and kept out of git, or the env var COURSE_CERT_SECRET_<COHORT>). The check code, part of
  every printed certificate number, is an HMAC of the cohort and serial under that key: 8 Crockford
  base-32 characters, 40 bits. Nobody can compute a number without the key or the paper.
- The public site gets, per cohort, only SHA-256 hashes of "number + name" for issued certificates
  and of the number alone for revoked ones (published/verify/<cohort>.json → site/verify/data/).
  published/ is tracked by git: the office computer that issues a real cohort's certificates
  commits that one file, and the site build (CI included, which never sees a roster) reads it. The
  hashed text includes the check code, so the file cannot be searched for a person's name without
  the paper in hand: guessing means 2^40 tries per serial per candidate name.
- The verify page (theme/certificate/verify.js) hashes what the visitor types with
  crypto.subtle and looks it up; the name never leaves the phone.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from coursebuild import urls

VERIFY_DATA_DIR = "data"  # under site/verify/
# Where `certificates` leaves the public hash files: tracked by git (unlike dist/), so a real cohort's
# file reaches the site that CI builds, which never sees a roster (roster/README.md, "Publishing").
PUBLISHED_DIR = Path("published")
PUBLIC_DIR = PUBLISHED_DIR / "verify"
FORMAT = 1
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_LENGTH = 8
# Domain labels keep these hashes from matching any other use of SHA-256 on the same text.
VALID_LABEL = "osd-certificate-v1"
REVOKED_LABEL = "osd-revoked-v1"
HASH_HEX = 32  # 128 bits: plenty to tell certificates apart, half the download on a phone


def check_code(secret: str, cohort_id: str, serial: int) -> str:
    digest = hmac.new(bytes.fromhex(secret), f"{cohort_id}\n{serial}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:5], "big")  # 40 bits
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(35, -1, -5))


def certificate_hash(number: str, name_key: str) -> str:
    """`name_key` is trainees.name_key(first + last); verify.js builds the same text."""
    return _sha(f"{VALID_LABEL}\n{number}\n{name_key}")


def revocation_hash(number: str) -> str:
    return _sha(f"{REVOKED_LABEL}\n{number}")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_HEX]


def verify_url(site_url: str, number: str) -> str:
    """What the QR code holds. The number rides in the fragment, so it never reaches a server log."""
    return urls.absolute(site_url, f"{urls.VERIFY_DIR}/") + "#" + quote(number, safe="-")


@dataclass(frozen=True)
class PublicCohort:
    """Everything the public site learns about a cohort: no names, no numbers, no roster field."""

    cohort: str
    prefix: str  # what every number of the cohort starts with, so the page fetches one file
    title: str  # course and cohort titles and the date, shown with a valid result
    issued: str
    valid: list[str]
    revoked: list[str]
    course: str = ""  # the course id: the site publishes only its own course's cohorts

    def to_json(self) -> str:
        data = {"format": FORMAT, "cohort": self.cohort, "prefix": self.prefix, "title": self.title,
                "issued": self.issued, "valid": sorted(self.valid), "revoked": sorted(self.revoked)}
        if self.course:
            data["course"] = self.course
        return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def write_public_data(root: Path, data: PublicCohort) -> Path:
    """published/verify/<cohort>.json, replaced atomically."""
    target = root / PUBLIC_DIR / f"{data.cohort}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data.to_json())
    os.chmod(tmp, 0o644)  # public by design (hashes only), unlike everything else `certificates` writes
    os.replace(tmp, target)
    return target


def public_files(root: Path) -> list[Path]:
    return sorted((root / PUBLIC_DIR).glob("*.json"))
