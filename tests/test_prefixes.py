"""Name prefixes for real rosters: academic, military, police, royal and monastic titles, from a
data file a course and a cohort can extend; the Royal Institute's spacing; ถวาย for monks; and the
verify page still finds a name typed with any of them. (Regression, issue 14: only the eight
นาย…ด.ญ. forms were accepted.)"""
from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, StaticServer, build, copy_course
from test_certificates import new_cohort, row
from test_verify_browser import check

from coursebuild.certificates.trainees import load_trainees
from coursebuild.source.prefixes import ReadPrefix, load_prefixes


@pytest.fixture(scope="module")
def prefixes():
    found, problems = load_prefixes(ROOT)
    assert problems == []
    return found


@pytest.mark.parametrize("cell, printed, space, wording", [
    ("นาย", "นาย", False, "default"),
    ("น.ส.", "นางสาว", False, "default"),
    ("ดร.", "ดร.", False, "default"),
    ("ผศ.ดร.", "ผู้ช่วยศาสตราจารย์ ดร.", False, "default"),
    ("รศ. พ.ท. ดร.", "รองศาสตราจารย์ พันโท ดร.", False, "default"),
    ("ว่าที่ร้อยตรี", "ว่าที่ร้อยตรี", True, "default"),
    ("ว่าที่ร้อยตรีหญิง", "ว่าที่ร้อยตรีหญิง", True, "default"),
    ("ร.ต.อ.หญิง", "ร้อยตำรวจเอกหญิง", True, "default"),
    ("พ.ต.ท.", "พันตำรวจโท", True, "default"),
    ("พล.อ.อ.", "พลอากาศเอก", True, "default"),
    ("ม.ร.ว.", "หม่อมราชวงศ์", False, "default"),
    ("คุณหญิง", "คุณหญิง", False, "default"),
    ("นพ.", "นายแพทย์", False, "default"),
    ("พระ", "พระ", False, "monastic"),
    ("พระครู", "พระครู", False, "monastic"),
    ("พระมหา", "พระมหา", False, "monastic"),
    ("ส.ณ.", "สามเณร", False, "monastic"),
    ("แม่ชี", "แม่ชี", False, "default"),
])
def test_a_prefix_cell_reads_as_the_certificate_prints_it(prefixes, cell, printed, space, wording):
    assert prefixes.read(cell) == ReadPrefix(printed, space, wording)


@pytest.mark.parametrize("cell, reason", [("ร.ต.", "ambiguous:ร.ต."), ("ว่าที่ ร.ต.", "ambiguous:ว่าที่ร.ต."),
                                          ("จ.ส.ต.", "ambiguous:จ.ส.ต."), ("นายดร.", "alone"), ("พระดร.", "alone"),
                                          ("คุณ", "unknown"), ("", "empty")])
def test_what_cannot_be_read_says_why(prefixes, cell, reason):
    assert prefixes.read(cell) == reason


def _rows() -> list[list[str]]:
    return [row(1, "ผศ.ดร.", "สมชาย", "ใจดี"), row(2, "ว่าที่ร้อยตรีหญิง", "สมศรี", "มีสุข"),
            row(3, "พระครู", "สมุห์สมบัติ", "ฐิตธมฺโม"), row(4, "นางสาว", "สมหญิง", "รักเรียน"),
            row(5, "สามเณร", "สมปอง", "ใจงาม"), row(6, "พ.ต.ท.", "สมหมาย", "กล้าหาญ")]


def test_roster_rows_with_unreadable_prefixes_are_errors_at_their_cell(tmp_path):
    root = copy_course("sample", tmp_path)
    rows = [row(1, "ร.ต.", "สมชาย", "ใจดี"), row(2, "นางดร.", "สมศรี", "มีสุข"), row(3, "คุณ", "สมหญิง", "รักเรียน")]
    folder = new_cohort(root, "c1", rows)
    _, rel, problems, _ = load_trainees(folder, root, None)
    found = [(p.code, p.line, p.column) for p in problems]
    assert found == [("ambiguous-prefix", 2, 2), ("unknown-prefix", 3, 2), ("unknown-prefix", 4, 2)]
    assert "'ร.ต.' may be ร้อยตรี, เรือตรี or เรืออากาศตรี" in problems[0].message
    assert "write the rank in full" in problems[0].hint
    assert "replaces นาย, นาง and นางสาว" in problems[1].hint
    assert "course/prefixes.yml" in problems[2].hint


def test_a_course_and_a_cohort_add_their_own_prefixes(tmp_path):
    root = copy_course("sample", tmp_path)
    (root / "course" / "prefixes.yml").write_text(
        "prefixes:\n  - {prefix: อาจารย์, also: [อ.], kind: profession}\n"
        "ambiguous: []\n", encoding="utf-8")
    rows = [row(1, "อ.", "สมชาย", "ใจดี"), row(2, "ครูบา", "สมศรี", "มีสุข")]
    folder = new_cohort(root, "c1", rows,
                        prefixes=[{"prefix": "ครูบา", "kind": "monastic", "wording": "monastic"}])
    course = load_prefixes(root)[0]
    from coursebuild.certificates.roster import load_cohort

    loaded = load_cohort(folder, root, "osd-village", False, prefixes=course)
    assert loaded.problems == [] and loaded.row_problems == []
    assert [(t.prefix, t.wording, t.full_name) for t in loaded.cohort.trainees] == [
        ("อาจารย์", "default", "อาจารย์สมชาย ใจดี"), ("ครูบา", "monastic", "ครูบาสมศรี มีสุข")]


def test_a_wording_that_does_not_exist_is_reported(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    (root / "course" / "prefixes.yml").write_text(
        "prefixes:\n  - {prefix: บาทหลวง, kind: monastic, wording: clergy}\n", encoding="utf-8")
    assert build(root, "check") == 1
    assert re.search(r"course/prefixes.yml:2:\d+: error\[unknown-wording\]: prefix 'บาทหลวง' uses the wording 'clergy'",
                     capsys.readouterr().out)


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def titled(tmp_path_factory):
    """A six-trainee cohort of the sample course with academic, military, police and monastic
    titles, issued, and the site built with its verify data and served."""
    root = copy_course("sample", tmp_path_factory.mktemp("titled"))
    for folder in (root / "roster").iterdir():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    new_cohort(root, "titled", _rows(), code="TTL1")
    server = StaticServer(root / "site")
    assert build(root, "certificates") == 0
    assert build(root, "site", "--site-url", server.url, engine="mkdocs") == 0
    with open(root / "dist" / "certificates" / "titled" / "summary.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    yield root, server.url, rows
    server.close()


@pytest.mark.pdf
def test_titles_print_with_the_royal_institutes_spacing_and_monks_get_thawai(titled):
    from coursebuild.certificates.command import safe_file_name

    root, _, rows = titled
    assert [r["name"] for r in rows] == ["ผู้ช่วยศาสตราจารย์ ดร.สมชาย ใจดี", "ว่าที่ร้อยตรีหญิง สมศรี มีสุข",
                                         "พระครูสมุห์สมบัติ ฐิตธมฺโม", "นางสาวสมหญิง รักเรียน", "สามเณรสมปอง ใจงาม",
                                         "พันตำรวจโท สมหมาย กล้าหาญ"]
    out = root / "dist" / "certificates" / "titled"
    for r in rows:
        text = _pdf_text(out / "by-number" / f"{safe_file_name(r['number'])}.pdf")
        assert r["name"] in text, (r["name"], text)
        monk = r["name"].startswith(("พระ", "สามเณร"))
        assert ("ขอถวายวุฒิบัตรฉบับนี้ไว้เพื่อแสดงว่า" in text) == monk, r["name"]
        assert ("ขอมอบวุฒิบัตรฉบับนี้ไว้เพื่อแสดงว่า" in text) != monk, r["name"]
        assert ("ถวายไว้ ณ วันที่" in text) == monk and ("ให้ไว้ ณ วันที่" in text) != monk, r["name"]
    # print-all.pdf keeps roster order across the wording changes (one background per run of rows)
    pages = _pdf_text(out / "print-all.pdf").split("\f")
    assert [next(r["name"] for r in rows if r["name"] in page) for page in pages if page.strip()] == \
        [r["name"] for r in rows]


def test_the_verify_page_finds_a_name_typed_with_any_titles_or_none(titled, phone):
    _, url, rows = titled
    number = next(r["number"] for r in rows if "สมชาย" in r["name"])
    for typed in ("ผศ.ดร.สมชาย ใจดี", "ผู้ช่วยศาสตราจารย์ ดร. สมชาย ใจดี", "ดร.สมชาย ใจดี", "สมชาย ใจดี"):
        assert check(phone, url, number, typed)[0] == "valid", typed
    number = next(r["number"] for r in rows if "สมศรี" in r["name"])
    for typed in ("ว่าที่ร้อยตรีหญิง สมศรี มีสุข", "ว่าที่ ร.ต.หญิง สมศรี มีสุข", "สมศรี มีสุข"):
        assert check(phone, url, number, typed)[0] == "valid", typed
    number = next(r["number"] for r in rows if "สมบัติ" in r["name"])
    assert check(phone, url, number, "พระครูสมุห์สมบัติ ฐิตธมฺโม")[0] == "valid"
    assert check(phone, url, number, "สมุห์สมบัติ ฐิตธมฺโม")[0] == "valid"
    assert check(phone, url, number, "สมบัติ ฐิตธมฺโม")[0] == "unknown"  # only what was printed, less titles
