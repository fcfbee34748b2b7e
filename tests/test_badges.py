"""Open Badges 2.0 for certificates (issue 17): hosted on the site, baked for holders, private.

Validation uses the IMS Open Badges validator (the `openbadges` package, pinned; see
requirements-validator.txt) against the built site served on localhost. Its JSON-LD context is
served from the copy inside the package: the test refuses every request to any other host. The
validator skips two checks (it never queues the issuer's `email` or any `type` check, and it does
not read `revoked` on a hosted Assertion), so `spec_problems` below checks those and the rest of
the specification's required properties itself.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import StaticServer, build, copy_course

from coursebuild.certificates import badges
from coursebuild.certificates.command import safe_file_name
from coursebuild.certificates.verify import verify_url
from coursebuild.source.load import load_course

pytestmark = [
    pytest.mark.pdf,  # issues certificates with WeasyPrint
    # The validator calls rfc3986's old helpers, which warn on every URL it reads.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:rfc3986"),
]

COHORT = "sample-2565-bkk"
CONTEXT = "https://w3id.org/openbadges/v2"


# --- the built, served sample cohort ---------------------------------------------------------------

def set_site_url(root: Path, url: str) -> None:
    path = root / "course" / "course.yml"
    text = re.sub(r"(?m)^site_url: .*$", f"site_url: {url}", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


def summary(root: Path) -> list[dict]:
    with open(root / "dist" / "certificates" / COHORT / "summary.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample cohort (180 trainees, 3 not eligible) with its first certificate revoked, built
    for, and served from, a local address."""
    root = copy_course("sample", tmp_path_factory.mktemp("badges"))
    server = StaticServer(root / "site")
    set_site_url(root, server.url)
    assert build(root, "certificates") == 0
    revoked = summary(root)[0]["number"]
    (root / "roster" / COHORT / "revoked.txt").write_text(f"{revoked}  # นายทดสอบ พิมพ์ชื่อผิด\n", encoding="utf-8")
    assert build(root, "certificates") == 0
    assert build(root, "site") == 0
    yield root, server.url, revoked
    server.close()


def secret(root: Path) -> str:
    return (root / "roster" / COHORT / ".secret").read_text().strip()


def issued_numbers(root: Path) -> list[str]:
    return [r["number"] for r in summary(root) if r["eligible"] == "yes"]


def public(root: Path, *parts: str) -> dict:
    return json.loads((root / "site" / "badges" / Path(*parts)).read_text(encoding="utf-8"))


# --- the specification's rules, for what the validator does not check ----------------------------

def spec_problems(assertion: dict, served_at: str, badge_class: dict, issuer: dict) -> list[str]:
    """Open Badges 2.0 required properties and hosted-verification rules for one Assertion."""
    problems = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    need(assertion.get("@context") == CONTEXT, "assertion @context")
    need(assertion.get("type") == "Assertion", "assertion type")
    need(assertion.get("id") == served_at, "hosted assertion id is where it is served")
    recipient = assertion.get("recipient", {})
    need(recipient.get("type") == "url" and recipient.get("hashed") is True, "hashed url recipient")
    need(isinstance(recipient.get("salt"), str) and len(recipient["salt"]) >= 16, "per-assertion salt")
    need(bool(re.fullmatch(r"sha256\$[0-9a-f]{64}", recipient.get("identity", ""))), "sha256$ identity hash")
    need(assertion.get("badge") == badge_class.get("id"), "badge is the BadgeClass id")
    need(assertion.get("verification", {}).get("type") in ("hosted", "HostedBadge"), "hosted verification")
    need(bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", assertion.get("issuedOn", ""))),
         "issuedOn with a time zone")
    need(assertion.get("revoked", False) is False, "not revoked")
    need(badge_class.get("type") == "BadgeClass" and all(badge_class.get(k) for k in ("name", "description", "image")),
         "BadgeClass name, description, image")
    criteria = badge_class.get("criteria", {})
    need(bool(criteria.get("id") or criteria.get("narrative")), "criteria")
    need(badge_class.get("issuer") == issuer.get("id"), "BadgeClass issuer")
    need(issuer.get("type") in ("Issuer", "Profile"), "issuer type")
    need(all(issuer.get(k) for k in ("id", "name", "url")), "issuer id, name, url")
    need(bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", issuer.get("email", ""))), "issuer email")
    scope = issuer.get("verification", {}).get("startsWith", issuer.get("id", "")[:issuer.get("id", "").find("/", 8)])
    need(assertion.get("id", "").startswith(scope), "assertion id inside the issuer's verification scope")
    return problems


# --- the IMS validator, kept off the network -----------------------------------------------------

@pytest.fixture
def validator(monkeypatch):
    import requests
    from openbadges import verify
    from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

    real_send = requests.adapters.HTTPAdapter.send

    def send(adapter, request, **kwargs):
        if request.url.rstrip("/") == CONTEXT:
            response = requests.models.Response()
            response.status_code, response.url, response.request = 200, request.url, request
            response.headers["Content-Type"] = "application/ld+json"
            response._content = json.dumps(OPENBADGES_CONTEXT_V2_DICT).encode()
            return response
        if not request.url.startswith("http://127.0.0.1:"):
            raise requests.exceptions.ConnectionError(f"test refused a request to another host: {request.url}")
        return real_send(adapter, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)

    def run(badge_input, identity: str | None = None) -> dict:
        profile = {"url": identity} if identity else None
        return verify(badge_input, recipient_profile=profile, use_cache=False, cache_backend=None)["report"]

    return run


# --- tests ----------------------------------------------------------------------------------------

def test_site_holds_one_valid_assertion_per_issued_certificate(served, validator):
    root, url, revoked = served
    numbers = issued_numbers(root)
    assert len(numbers) == 176 and revoked not in numbers  # 180 trainees, 3 not eligible, 1 revoked
    issuer = public(root, badges.ISSUER_FILE)
    badge_class = public(root, COHORT, badges.CLASS_FILE)
    files = {p.name for p in (root / "site" / "badges" / COHORT).iterdir()} - {badges.CLASS_FILE}
    names = {badges.assertion_name(secret(root), COHORT, n): n for n in numbers}
    revoked_name = badges.assertion_name(secret(root), COHORT, revoked)
    # Nothing for the 3 trainees who are not eligible: every file is an issued or a revoked certificate.
    assert files == {f"{name}.json" for name in names} | {f"{revoked_name}.json"}
    for name, number in names.items():
        served_at = f"{url}badges/{COHORT}/{name}.json"
        assertion = public(root, COHORT, f"{name}.json")
        assert spec_problems(assertion, served_at, badge_class, issuer) == [], number
        salt = assertion["recipient"]["salt"]
        identity = verify_url(url, number)  # what the certificate's QR code holds
        assert assertion["recipient"]["identity"] == "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()
    # The validator fetches each Assertion, its BadgeClass, image and Issuer from the local server.
    for name, number in sorted(names.items())[::25] + [sorted(names.items())[-1]]:
        report = validator(f"{url}badges/{COHORT}/{name}.json", verify_url(url, number))
        assert report["valid"] and report["errorCount"] == 0, report["messages"]
        wrong = validator(f"{url}badges/{COHORT}/{name}.json", verify_url(url, numbers[0] if number != numbers[0]
                                                                           else numbers[1]))
        assert not wrong["valid"]  # another certificate's QR address is not this recipient


def test_every_issued_assertion_passes_the_validator(served, validator):
    root, url, _ = served
    failures = {}
    for number in issued_numbers(root):
        name = badges.assertion_name(secret(root), COHORT, number)
        report = validator(f"{url}badges/{COHORT}/{name}.json")
        if not report["valid"]:
            failures[number] = report["messages"]
    assert failures == {}


def test_a_revoked_certificate_keeps_its_address_and_says_revoked(served, validator):
    root, url, revoked = served
    name = badges.assertion_name(secret(root), COHORT, revoked)
    stub = public(root, COHORT, f"{name}.json")
    assert stub == {"@context": CONTEXT, "type": "Assertion", "id": f"{url}badges/{COHORT}/{name}.json",
                    "revoked": True, "revocationReason": badges.REVOCATION_REASON}
    assert "นายทดสอบ" not in json.dumps(stub, ensure_ascii=False)  # revoked.txt comments stay private
    assert not validator(stub["id"])["valid"]
    assert not (root / "dist" / "certificates" / COHORT / badges.HOLDER_DIR / f"{safe_file_name(revoked)}.png").exists()


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[-1][0] == b"IEND"
    return chunks


def test_each_holder_gets_their_assertion_baked_into_a_png(served, validator):
    from openbadges_bakery import unbake

    root, url, _ = served
    folder = root / "dist" / "certificates" / COHORT / badges.HOLDER_DIR
    numbers = issued_numbers(root)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{safe_file_name(n)}.png" for n in numbers)
    for number in numbers:
        data = (folder / f"{safe_file_name(number)}.png").read_bytes()
        baked = [body for kind, body in png_chunks(data) if kind == b"iTXt" and body.startswith(b"openbadges\x00")]
        assert len(baked) == 1, "exactly one openbadges iTXt chunk"
        keyword, flag, method, rest = baked[0][:10], baked[0][11], baked[0][12], baked[0][13:]
        assert (keyword, flag, method) == (b"openbadges", 0, 0)  # uncompressed, as the baking spec requires
        language, translated, text = rest.split(b"\x00", 2)
        assert (language, translated) == (b"", b"")
        assertion = json.loads(text.decode("utf-8"))
        name = badges.assertion_name(secret(root), COHORT, number)
        assert assertion == public(root, COHORT, f"{name}.json")
    sample = folder / f"{safe_file_name(numbers[3])}.png"
    hosted = public(root, COHORT, f"{badges.assertion_name(secret(root), COHORT, numbers[3])}.json")
    with open(sample, "rb") as fh:  # the Open Badges reference unbaker reads the same Assertion
        assert json.loads(unbake(fh)) == hosted
    with open(sample, "rb") as fh:
        report = validator(fh, verify_url(url, numbers[3]))
    assert report["valid"], report["messages"]


def roster_values(root: Path) -> set[str]:
    with open(root / "roster" / COHORT / "trainees.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    values = set()
    for row in rows:
        values |= {row["ชื่อ"], row["นามสกุล"], f"{row['ชื่อ']} {row['นามสกุล']}", row["หมู่บ้าน"], row["ตำบล"]}
    for r in summary(root):
        values.add(r["name"])
        if r["number"]:
            values |= {r["number"], r["number"][-8:], unquote(verify_url("x/", r["number"])[2:]),
                       verify_url("x/", r["number"])[2:]}
    return {v for v in values if v}


def test_no_roster_value_in_any_public_badge_file(served):
    root, _, _ = served
    values = roster_values(root)
    assert len(values) > 500
    # A short roster word can also be an ordinary word of the course's own public texts (ตำบลมั่นคง,
    # "ความมั่นคงของมนุษย์"): those are not searched for. Full names, villages and numbers always are.
    config = (root / "course" / "course.yml").read_text(encoding="utf-8") + "".join(
        m.meta.title for m in load_course(root)[0].modules) + (root / "roster" / COHORT / "cohort.yml").read_text(
        encoding="utf-8")
    common = {v for v in values if v in config}
    assert all(" " not in v and not v.startswith(("บ้าน", "อสด")) for v in common), common
    values -= common
    files = [p for folder in (root / "site" / "badges", root / "published" / "badges") for p in folder.rglob("*")
             if p.is_file()]
    # site/: issuer, image, class and 176 + 1 assertions; published/ (committed): the cohort's class and assertions
    assert len(files) == (3 + 177) + (1 + 177)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        found = sorted(v for v in values if v in text)
        assert found == [], f"{path}: {found[:5]}"


def test_assertion_names_are_unguessable_yet_stable(served, tmp_path):
    root, _, _ = served
    number = issued_numbers(root)[0]
    name = badges.assertion_name(secret(root), COHORT, number)
    assert re.fullmatch(r"[0-9a-f]{32}", name)
    assert name not in {hashlib.sha256(number.encode()).hexdigest()[:32], hashlib.md5(number.encode()).hexdigest()}
    assert badges.assertion_name("ab" * 32, COHORT, number) != name  # depends on the cohort secret
    expected = hmac.new(bytes.fromhex(secret(root)), f"osd-badge-assertion-v1\n{COHORT}\n{number}".encode(),
                        hashlib.sha256).hexdigest()[:32]
    assert name == expected
    before = {p.name: p.read_bytes() for p in (root / "published" / "badges" / COHORT).iterdir()}
    assert build(root, "certificates") == 0  # the same roster, secret and registry again
    assert {p.name: p.read_bytes() for p in (root / "published" / "badges" / COHORT).iterdir()} == before


def test_no_contact_email_means_no_badges_and_says_why(tmp_path, capsys):
    root = copy_course("sample", tmp_path)
    path = root / "course" / "course.yml"
    path.write_text(re.sub(r"(?m)^contact_email: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    assert build(root, "certificates") == 0
    out = capsys.readouterr().out
    assert "no Open Badges: course/course.yml has no contact_email" in out
    assert not (root / "published" / "badges").exists()
    assert not (root / "dist" / "certificates" / COHORT / badges.HOLDER_DIR).exists()


def test_a_malformed_contact_email_is_reported_at_its_line(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    path = root / "course" / "course.yml"
    path.write_text(path.read_text(encoding="utf-8") + "contact_email: ติดต่อ พม.\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert build(root, "check") == 1
    out = capsys.readouterr().out
    assert f"course/course.yml:{line}:" in out and "bad-format" in out and "e-mail" in out
