"""Rosters stay private (issue 11, PDPA): after a full build, no file of site/ or dist/ (the
offline zip's members and every PDF's text included) holds any roster value or the cohort's
secret, except the cohort's own dist/certificates/<cohort>/ folder; and that folder, the
secret, the serial registry and the lock are readable by their owner only.
"""
from __future__ import annotations

import csv
import gzip
import html
import json
import stat
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import build, copy_course

COHORT = "sample-2565-bkk"
# One more trainee whose every value is distinctive, hours and score included: "6" or "80" would
# match anything, these can only come from the roster.
MARKER = {"ลำดับ": "181", "คำนำหน้า": "นางสาว", "ชื่อ": "พิมพ์ลดาตรวจรั่ว", "นามสกุล": "ศรีเฝ้าระวัง",
          "จังหวัด": "จังหวัดทดสอบรั่ว", "อำเภอ": "อำเภอสืบค้นข้อมูล", "ตำบล": "ตำบลเฝ้าดูไฟล์",
          "หมู่บ้าน": "บ้านไม่ควรปรากฏ", "ชั่วโมงอบรม": "5.875", "คะแนน": "87.3125"}


def letters(text: str) -> str:
    """Thai as pdftotext reliably gives it back: no spaces, no combining marks, ำ as า."""
    text = unicodedata.normalize("NFC", text).replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("M"))


def file_texts(path: Path, data: bytes | None = None) -> list[str]:
    """Every readable form of one file: its text, a PDF's extracted text, a zip's members."""
    data = path.read_bytes() if data is None else data
    name = path.name
    if name.endswith(".gz"):
        data, name = gzip.decompress(data), name[:-3]
    if name.endswith(".pdf"):
        extracted = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
        text = extracted.decode("utf-8", errors="ignore")
        return [text, letters(text), data.decode("latin-1")]  # and the raw bytes (metadata)
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            return [t for member in archive.namelist() if not member.endswith("/")
                    for t in file_texts(Path(member), archive.read(member))] + archive.namelist()
    text = data.decode("utf-8", errors="ignore")
    if name.endswith(".json"):
        try:
            text += json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    text = html.unescape(text).replace("\u200b", "").replace("\u00ad", "")  # search.py's word breaks
    return [unicodedata.normalize("NFC", text)]


def published(root: Path) -> dict[str, list[str]]:
    """site/, dist/ and published/ (what is committed for the site), but not the cohort's own
    certificate folder (it is the roster's output)."""
    own = root / "dist" / "certificates"
    files = [p for folder in ("site", "dist", "published") for p in sorted((root / folder).rglob("*"))
             if p.is_file() and own not in p.parents]
    return {p.relative_to(root).as_posix(): file_texts(p) for p in files}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real course and the sample cohort (plus MARKER), built as `make` does, offline zip too;
    and the same course built without any roster, to know which words the site has anyway."""
    root = copy_course("sample", tmp_path_factory.mktemp("privacy"))
    roster = root / "roster" / COHORT / "trainees.csv"
    with open(roster, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(MARKER.values())
    assert build(root, "build") == 0
    assert build(root, "site", "--offline") == 0
    bare = copy_course("sample", tmp_path_factory.mktemp("bare"))
    for folder in (bare / "roster").glob("*"):
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    assert build(bare, "build") == 0
    assert build(bare, "site", "--offline") == 0
    return root, bare


def test_no_roster_value_or_secret_is_published_anywhere(built):
    root, bare = built
    with open(root / "roster" / COHORT / "trainees.csv", encoding="utf-8-sig") as fh:
        trainees = list(csv.DictReader(fh))
    assert trainees[-1]["ชื่อ"] == MARKER["ชื่อ"]
    with open(root / "dist" / "certificates" / COHORT / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    numbers = {r["number"] for r in rows if r["number"]}
    secret = (root / "roster" / COHORT / ".secret").read_text().strip()
    # Never published, whatever else the site holds.
    always = ({unicodedata.normalize("NFC", r["name"]) for r in rows} | numbers | {quote(n, safe="-") for n in numbers}
              | {n.rsplit("-", 1)[1] for n in numbers} | {secret, secret[:16], MARKER["ชั่วโมงอบรม"], MARKER["คะแนน"]})
    parts = set()
    for t in trainees:
        parts |= {t["ชื่อ"], t["นามสกุล"], f"{t['ชื่อ']} {t['นามสกุล']}", t["หมู่บ้าน"], t["ตำบล"], t["อำเภอ"],
                  t["จังหวัด"]}
    parts = {unicodedata.normalize("NFC", s.strip()) for s in parts if len(s.strip()) >= 3}
    # A word the site has without any roster is no leak: Material's Thai word list holds common
    # names such as ทองคำ, and lessons name provinces. cohort.yml's title is public by design.
    baseline = "\n".join(t for texts in published(bare).values() for t in texts)
    public = json.loads((root / "published" / "verify" / f"{COHORT}.json").read_text(encoding="utf-8"))["title"]
    allowed = {s for s in parts if s in baseline or letters(s) in baseline or s in public}
    assert not always & allowed
    assert len(allowed) < len(parts) / 4, allowed  # the search still covers most of the roster
    assert {MARKER[k] for k in ("ชื่อ", "นามสกุล", "หมู่บ้าน", "ตำบล", "อำเภอ", "จังหวัด")} <= parts - allowed
    files = published(root)
    assert any(name.endswith(".pdf") for name in files) and "dist/site-offline.zip" in files
    assert any(name.startswith("dist/trainer/") for name in files) and f"published/verify/{COHORT}.json" in files
    assert any(name.startswith(f"published/badges/{COHORT}/") for name in files)
    leaks = {(name, needle) for name, texts in files.items() for needle in (parts - allowed) | always
             for text in texts if needle in text or (len(needle) >= 6 and letters(needle) in text)}
    assert not leaks


def test_certificate_output_and_cohort_state_are_private(built):
    root, _ = built
    out = root / "dist" / "certificates"

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(out) == 0o700 and mode(out / COHORT) == 0o700
    paths = list((out / COHORT).rglob("*"))
    assert len(paths) > 100
    assert {mode(p) for p in paths if p.is_dir()} == {0o700}
    assert {mode(p) for p in paths if p.is_file()} == {0o600}
    folder = root / "roster" / COHORT
    for name in (".secret", "numbers.csv", ".lock"):
        assert mode(folder / name) == 0o600, name
    assert mode(root / "published" / "verify" / f"{COHORT}.json") == 0o644  # hashes only: public by design
    assert mode(root / "site") == 0o755


def test_the_search_reads_thai_out_of_pdfs_and_zips(tmp_path):
    """The leak search above could pass by reading nothing: a planted name must be found."""
    from coursebuild.pdf import write_pdf

    name = f"{MARKER['ชื่อ']} {MARKER['นามสกุล']}"
    pdf = tmp_path / "planted.pdf"
    write_pdf(f"<p style='font-family: Sarabun'>{name}</p>", tmp_path, [], "test", pdf, title="x")
    assert any(letters(name) in text for text in file_texts(pdf))
    with zipfile.ZipFile(tmp_path / "planted.zip", "w") as archive:
        archive.writestr("site/index.html", f"<p>{html.escape(MARKER['หมู่บ้าน'])}</p>")
        archive.write(pdf, "site/handouts/planted.pdf")
    texts = file_texts(tmp_path / "planted.zip")
    assert any(MARKER["หมู่บ้าน"] in t for t in texts) and any(letters(name) in t for t in texts)
