"""The public verify page in Chromium on a 360 px phone, and the site's lack of personal data.

The sample cohort is issued, one certificate revoked, and the site built and served from
127.0.0.1: a visitor with the paper gets ถูกต้อง, a wrong name ไม่พบ, a revoked number ถูกเพิกถอน.
Then every file of site/ is searched for every roster name, village and certificate number.
"""
from __future__ import annotations

import csv
import gzip
import html
import json
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import StaticServer, build, copy_course

from coursebuild.thai import thai_digits

COHORT = "sample-2565-bkk"


def summary(root: Path) -> list[dict]:
    with open(root / "dist" / "certificates" / COHORT / "summary.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """The sample cohort issued, its fourth certificate revoked."""
    root = copy_course("repo", tmp_path_factory.mktemp("verify"))
    assert build(root, "certificates") == 0
    rows = [r for r in summary(root) if r["eligible"] == "yes"]
    revoked = rows[3]
    (root / "roster" / COHORT / "revoked.txt").write_text(f"{revoked['number']}  # test\n", encoding="utf-8")
    assert build(root, "certificates") == 0
    return root, rows, revoked


@pytest.fixture(scope="module")
def issued(cohort, site_engine):
    """The site with the cohort's verify data, built by each engine in turn and served."""
    root, rows, revoked = cohort
    server = StaticServer(root / "site")
    assert build(root, "site", "--site-url", server.url, engine=site_engine) == 0
    yield root, server.url, rows, revoked
    server.close()


def check(page, url: str, number: str, name: str) -> tuple[str, str]:
    """Open the page with the number in the address, as the QR code gives it, and type the name."""
    page.goto("about:blank")  # a fresh load each time, not a same-page jump to a new #fragment
    page.goto(url + "verify/#" + quote(number, safe="-"))
    return typed(page, name)


def typed(page, name: str) -> tuple[str, str]:
    page.wait_for_selector("form[data-osd-verify][data-ready]")
    page.fill("#osd-verify-name", name)  # typing clears any earlier result
    page.click("form[data-osd-verify] button[type=submit]")
    page.wait_for_function("() => ['valid', 'revoked', 'unknown', 'error', 'incomplete']"
                           ".includes(document.querySelector('[data-verify-result]').dataset.result)")
    result = page.locator("[data-verify-result]")
    return result.get_attribute("data-result"), result.inner_text()


def test_certificate_from_its_qr_link_and_name_is_valid(issued, phone):
    root, url, rows, _ = issued
    row = next(r for r in rows if r["name"] == "นางสาวน้ำผึ้ง กุ้งนาง")
    state, text = check(phone, url, row["number"], row["name"])
    assert phone.input_value("#osd-verify-number") == row["number"]
    assert (state, text.splitlines()[0]) == ("valid", "ถูกต้อง")
    assert "รุ่นที่ 1 กรุงเทพมหานคร" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone


def test_typed_number_with_thai_digits_and_name_without_prefix_is_valid(issued, phone):
    root, url, rows, _ = issued
    row = next(r for r in rows if r["name"] == "เด็กชายคำนึง ลำดวน")
    phone.goto(url + "verify/")
    phone.wait_for_selector("form[data-osd-verify][data-ready]")
    phone.fill("#osd-verify-number", " " + thai_digits(row["number"][:-8]) + row["number"][-8:].lower())
    # typed ํ + า instead of ำ, extra spaces, and no prefix: still the same person
    state, _ = typed(phone, "  คํานึง   ลําดวน ")
    assert state == "valid"


def test_wrong_name_is_not_found(issued, phone):
    root, url, rows, _ = issued
    row = rows[0]
    state, text = check(phone, url, row["number"], "นายสมมุติ ไม่ใช่ผู้รับ")
    assert (state, text.splitlines()[0]) == ("unknown", "ไม่พบ")
    state, _ = check(phone, url, row["number"][:-1] + ("0" if row["number"][-1] != "0" else "1"), row["name"])
    assert state == "unknown"  # a wrong check code, right name


def test_revoked_number_shows_revoked(issued, phone):
    root, url, rows, revoked = issued
    state, text = check(phone, url, revoked["number"], revoked["name"])
    assert (state, text.splitlines()[0]) == ("revoked", "ถูกเพิกถอน")


def _site_text(path: Path) -> str:
    """A site file as text a reader or a search engine would see, whatever its encoding."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="ignore")
    if path.suffix == ".json":
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    text = html.unescape(text).replace("\u200b", "").replace("\u00ad", "")  # search.py segments Thai with U+200B
    return unicodedata.normalize("NFC", text)


def site_corpus(site: Path) -> str:
    return "\n".join(_site_text(p) for p in site.rglob("*") if p.is_file())


def test_site_holds_no_roster_data(issued, tmp_path, site_engine):
    root, _, _, _ = issued
    with open(root / "roster" / COHORT / "trainees.csv", encoding="utf-8-sig") as fh:
        trainees = list(csv.DictReader(fh))
    rows = summary(root)
    names = {unicodedata.normalize("NFC", r["name"]) for r in rows}
    numbers = {r["number"] for r in rows if r["number"]}
    always_secret = names | numbers | {n.rsplit("-", 1)[1] for n in numbers} | {quote(n, safe="-") for n in numbers}
    parts = set()
    for t in trainees:
        parts |= {t["ชื่อ"], t["นามสกุล"], f"{t['ชื่อ']} {t['นามสกุล']}", t["หมู่บ้าน"], t["ตำบล"]}
    parts = {unicodedata.normalize("NFC", s.strip()) for s in parts if len(s.strip()) >= 3}
    # A word the site has without any roster is no leak: Material's Thai word list holds
    # common names such as ทองคำ, and a lesson may mention a place. Build that site to know them.
    bare = copy_course("repo", tmp_path)
    assert build(bare, "site", engine=site_engine) == 0
    baseline = site_corpus(bare / "site")
    allowed = {s for s in parts if s in baseline}
    assert not always_secret & allowed
    assert len(allowed) < len(parts) / 4, allowed  # the check still covers most of the roster
    files = [p for p in (root / "site").rglob("*") if p.is_file()]
    assert any(p.match("verify/data/*.json") for p in files)
    leaks = {(p.relative_to(root / "site").as_posix(), s) for p in files
             for s in (parts - allowed) | always_secret if s in _site_text(p)}
    assert not leaks


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `make test` (npm ci in tests/)")
@pytest.mark.parametrize("which", ["valid", "revoked", "unknown"])
def test_verify_page_and_its_results_are_accessible(issued, phone, which):
    root, url, rows, revoked = issued
    row = revoked if which == "revoked" else rows[0]
    state, _ = check(phone, url, row["number"], "นายผิด ชื่อ" if which == "unknown" else row["name"])
    assert state == which
    phone.evaluate(AXE.read_text(encoding="utf-8"))  # a <script> tag would be refused by the CSP
    violations = phone.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    assert not violations
