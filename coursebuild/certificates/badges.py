"""Open Badges 2.0 for every issued certificate: public hosted badges, and each holder's baked copy.

`build.py certificates` writes, per cohort (how and why: roster/README.md, "Open Badges"):

- public, into published/badges/<cohort>/ (tracked by git like published/verify/, so a real
  cohort's can be committed; `build.py site` publishes it as site/badges/<cohort>/):
  `badge.json` (the BadgeClass: eligibility rules are set per cohort, so the criteria are too)
  and `<assertion id>.json`, one hosted Assertion per issued certificate, and a stub that only
  says `revoked: true` for each revoked one. The Issuer (`issuer.json`, the course's organisers)
  and the image (`badge.png`, the course icon) come from course.yml alone: the site build writes
  them (`issuer_document`, `badge_image`), so they follow course.yml without a roster;
- private, into dist/certificates/<cohort>/badges/: `<number>.png`, the badge image with the
  trainee's Assertion baked in (Open Badges Baking 1.0: an `iTXt` chunk, keyword `openbadges`),
  for the trainee to upload to a badge wallet.

Nothing personal is published. The recipient is hashed (`sha256$`, salted) and what is hashed is
the certificate's verify URL, which only the holder has: its number carries the 40-bit check code.
Assertion file names and salts are HMACs of the certificate number under the cohort's secret:
unguessable without the secret, yet the same on every rebuild, with nothing more to keep.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from coursebuild import urls
from coursebuild.certificates.plan import CohortPlan
from coursebuild.certificates.verify import PUBLISHED_DIR, verify_url
from coursebuild.certificates.wording import date_range
from coursebuild.icons import icon_svg, rasterise
from coursebuild.write import replace_dir, staging_dir

PUBLIC_DIR = PUBLISHED_DIR / "badges"  # tracked; `build.py site` publishes it as site/badges/
SITE_DIR = "badges"
HOLDER_DIR = "badges"  # inside the private dist/certificates/<cohort>/
CONTEXT = "https://w3id.org/openbadges/v2"
ISSUER_FILE = "issuer.json"
IMAGE_FILE = "badge.png"
CLASS_FILE = "badge.json"
IMAGE_SIZE = 512
# A fixed reason: revoked.txt comments are notes for staff and may name people.
REVOCATION_REASON = "ผู้ออกวุฒิบัตรเพิกถอนวุฒิบัตรฉบับนี้แล้ว (revoked by the issuer)"
ID_LABEL = "osd-badge-assertion-v1"
SALT_LABEL = "osd-badge-salt-v1"


@dataclass(frozen=True)
class CohortBadges:
    cohort: str
    issuer: dict
    image: bytes  # the BadgeClass image (PNG)
    badge_class: dict
    assertions: dict[str, dict]  # public file name → Assertion (issued ones, then revoked stubs)
    holders: dict[str, bytes]  # certificate number → PNG with that trainee's Assertion baked in
    revoked: int


def _mac(secret: str, label: str, cohort: str, number: str) -> bytes:
    return hmac.new(bytes.fromhex(secret), f"{label}\n{cohort}\n{number}".encode(), hashlib.sha256).digest()


def assertion_name(secret: str, cohort: str, number: str) -> str:
    """128 bits in hex (safe in URLs and shells); cannot be derived from the number without the secret."""
    return _mac(secret, ID_LABEL, cohort, number)[:16].hex()


def assertion_salt(secret: str, cohort: str, number: str) -> str:
    return _mac(secret, SALT_LABEL, cohort, number)[:16].hex()


def hashed_identity(identity: str, salt: str) -> str:
    """The Open Badges identity hash: SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def public_url(site_url: str, *parts: str) -> str:
    return urls.absolute(site_url, "/".join((SITE_DIR, *parts)))


def eligibility_lines(rules) -> list[str]:
    lines = []
    if rules.min_hours is not None:
        lines.append(f"เข้าอบรมอย่างน้อย {rules.min_hours} ชั่วโมง")
    if rules.min_attendance_percent is not None:
        lines.append(f"เข้าอบรมไม่น้อยกว่าร้อยละ {rules.min_attendance_percent} ของเวลาอบรม {rules.course_hours} ชั่วโมง")
    if rules.min_score is not None:
        lines.append(f"คะแนนทดสอบไม่น้อยกว่า {rules.min_score} จาก {rules.max_score} คะแนน")
    return lines or ["เข้าอบรมครบตามที่ผู้จัดกำหนด"]


def criteria_narrative(course, plan: CohortPlan) -> str:
    """Markdown, as the BadgeClass criteria allow: the cohort's rules, then what the course covers."""
    cohort = plan.cohort
    parts = [f"ผ่านการอบรมหลักสูตร {course.config.title} {cohort.config.title} "
             f"({date_range(cohort.start, cohort.end, False)}) ตามเกณฑ์ของรุ่น:", ""]
    parts += [f"- {line}" for line in eligibility_lines(cohort.config.eligibility)]
    parts += ["", f"เนื้อหาหลักสูตร {len(course.modules)} บทเรียน:", ""]
    parts += [f"{n}. {m.meta.title}" for n, m in enumerate(course.modules, 1)]
    return "\n".join(parts)


def issuer_document(course) -> dict:
    """The Issuer: the course's organisers, from course.yml (the site build publishes it)."""
    config = course.config
    site = config.site_url
    return {
        "@context": CONTEXT, "type": "Issuer", "id": public_url(site, ISSUER_FILE), "@language": "th",
        "name": " และ ".join(o.name for o in config.organisers), "url": site, "email": config.contact_email,
        "description": f"ผู้จัดหลักสูตร {config.title}",
        # Only Assertions under our badges/ folder count as ours, wherever else the site is hosted.
        "verification": {"type": "VerificationObject", "startsWith": public_url(site, "")},
    }


def badge_image(course) -> bytes:
    """The course's own app icon, drawn as for the site (coursebuild/icons.py serves both)."""
    return rasterise(icon_svg(course), IMAGE_SIZE)


def bake_png(png: bytes, assertion: dict) -> bytes:
    """The PNG with one uncompressed iTXt chunk, keyword "openbadges", holding the Assertion JSON."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[-12:-8] != b"\x00\x00\x00\x00" or png[-8:-4] != b"IEND":
        raise ValueError("not a PNG that ends with IEND")
    text = json.dumps(assertion, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # keyword, NUL, compression flag 0, method 0, empty language tag, empty translated keyword, text
    data = b"openbadges\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    return png[:-12] + chunk + png[-12:]


def plan_badges(course, plan: CohortPlan) -> Optional[CohortBadges]:
    """Every badge file of a cohort, in memory; None when course.yml has no contact_email."""
    config = course.config
    if not config.contact_email:
        return None
    cohort = plan.cohort
    site = config.site_url
    issuer_id = public_url(site, ISSUER_FILE)
    class_id = public_url(site, cohort.id, CLASS_FILE)
    issuer = issuer_document(course)
    badge_class = {
        "@context": CONTEXT, "type": "BadgeClass", "id": class_id, "@language": "th",
        "name": config.title,
        "description": f"วุฒิบัตรหลักสูตร {config.title} {cohort.config.title} "
                       f"อบรม {date_range(cohort.start, cohort.end, False)} ณ {cohort.config.venue}",
        "image": public_url(site, IMAGE_FILE),
        "criteria": {"id": site, "narrative": criteria_narrative(course, plan)},
        "issuer": issuer_id,
    }
    issued_on = f"{cohort.issued.isoformat()}T00:00:00+07:00"  # the date on the paper, Thai time
    image = badge_image(course)
    assertions: dict[str, dict] = {}
    holders: dict[str, bytes] = {}
    for outcome in plan.issued:
        name = assertion_name(plan.secret, cohort.id, outcome.number)
        salt = assertion_salt(plan.secret, cohort.id, outcome.number)
        assertion = {
            "@context": CONTEXT, "type": "Assertion", "id": public_url(site, cohort.id, f"{name}.json"),
            "recipient": {"type": "url", "hashed": True, "salt": salt,
                          "identity": hashed_identity(verify_url(site, outcome.number), salt)},
            "badge": class_id, "verification": {"type": "hosted"}, "issuedOn": issued_on,
        }
        assertions[f"{name}.json"] = assertion
        holders[outcome.number] = bake_png(image, assertion)
    # A revoked Assertion stays at its address and says so (Open Badges 2.0, "Revoking Hosted
    # Assertions"), so that a wallet holding the baked copy learns of it. Only id and revoked are
    # required; nothing else about the certificate is kept.
    for revocation in cohort.revocations:
        name = assertion_name(plan.secret, cohort.id, revocation.number)
        assertions[f"{name}.json"] = {"@context": CONTEXT, "type": "Assertion",
                                      "id": public_url(site, cohort.id, f"{name}.json"),
                                      "revoked": True, "revocationReason": REVOCATION_REASON}
    return CohortBadges(cohort.id, issuer, image, badge_class, assertions, holders, len(cohort.revocations))


def json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_holder_badges(course, plan: CohortPlan, out: Path) -> None:
    """Each trainee's baked badge into <out>/badges/<number>.png (out: the cohort's private folder)."""
    from coursebuild.certificates.command import (
        safe_file_name,  # command imports this module
    )

    badges = plan_badges(course, plan)
    if badges is None or not badges.holders:
        return
    folder = out / HOLDER_DIR
    folder.mkdir(mode=0o700)
    for number, png in badges.holders.items():
        fd = os.open(folder / f"{safe_file_name(number)}.png", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(png)


def publish_badges(course, plan: CohortPlan) -> list[str]:
    """The cohort's public badge files into published/badges/<cohort>/ (replaced whole); report lines."""
    root = course.root
    badges = plan_badges(course, plan)
    cohort = plan.cohort
    if badges is None:
        return [f"{cohort.path}: no Open Badges: course/course.yml has no contact_email (an Open Badges "
                "issuer must publish an e-mail address)"]
    base = root / PUBLIC_DIR
    base.mkdir(parents=True, exist_ok=True)
    dest = base / cohort.id
    with staging_dir(dest) as tmp:
        (tmp / CLASS_FILE).write_bytes(json_bytes(badges.badge_class))
        for name, assertion in sorted(badges.assertions.items()):
            (tmp / name).write_bytes(json_bytes(assertion))
        replace_dir(tmp, dest)
    revoked = f", {badges.revoked} revoked" if badges.revoked else ""
    return [f"{cohort.path}: Open Badges: {len(badges.holders)} assertion(s){revoked} → {PUBLIC_DIR.as_posix()}/"
            f"{cohort.id}/ (publish with `python build.py site`, or commit it); each holder's baked badge → "
            f"dist/certificates/{cohort.id}/{HOLDER_DIR}/"]


def public_badge_files(root: Path) -> list[Path]:
    base = root / PUBLIC_DIR
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")) if base.is_dir() else []
