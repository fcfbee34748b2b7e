"""Certificates (issue 6): roster loading, eligibility, numbering, the PDFs and the public hashes.

PDF text is checked with poppler (pdftotext, pdffonts, pdfinfo) and the QR code with zbarimg.
Names come back from pdftotext exactly, ำ, tone marks, ฤ and ฦ included (coursebuild/weasyprint_thai.py
puts the exact text of each Thai letter with its marks in the PDF): a trainer searching print-all.pdf
or the sign-in sheet for a name finds it.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import build, copy_course
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursebuild.certificates import assembly, command, fit, layout, verify
from coursebuild.certificates.cohort_config import Eligibility
from coursebuild.certificates.roster import load_cohort
from coursebuild.certificates.sheets import decode_roster
from coursebuild.certificates.trainees import (
    Trainee,
    name_key,
    not_eligible_reasons,
)
from coursebuild.certificates.verify import certificate_hash, revocation_hash
from coursebuild.checks import load_checked_course
from coursebuild.problems import ContentError

pytestmark = pytest.mark.pdf  # renders with WeasyPrint, reads back with poppler

SAMPLE = "roster/sample-2565-bkk"
HEADER = ["ลำดับ", "คำนำหน้า", "ชื่อ", "นามสกุล", "จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน", "ชั่วโมงอบรม", "คะแนน"]
TRICKY = ["นางสาวน้ำผึ้ง กุ้งนาง", "นางฤทัย พฤกษ์ชาติ", "เด็กหญิงปิ่นแก้ว ชื่นชมยิ่ง", "เด็กชายคำนึง ลำดวน",
          "นายสุขใจ ดีงาม", "นางสาวแก้วใจ งามๆ", "นาย John Smith"]
LONG = "นางสาวกัลยาณมิตรศรีสวัสดิ์วัฒนาพร เจริญรุ่งเรืองพิพัฒน์มงคลชัยศรีสุวรรณ"
MM = 72 / 25.4


# --- helpers ------------------------------------------------------------------------------------

def summary(root: Path, cohort: str = "sample-2565-bkk") -> list[dict]:
    with open(root / "dist" / "certificates" / cohort / "summary.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def single(root: Path, number: str, cohort: str = "sample-2565-bkk") -> Path:
    return root / "dist" / "certificates" / cohort / "by-number" / f"{command.safe_file_name(number)}.pdf"


def pdf_words(path: Path) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of every word pdftotext finds, in points from the top left."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out)
    return [(float(x0), float(y0), float(x1), float(y1), _unescape(t)) for x0, y0, x1, y1, t in words]


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def name_line(path: Path) -> list[tuple[float, float, float, float, str]]:
    """The words inside the name box, left to right."""
    top = layout.LAYOUT["name_top"] * MM
    bottom = (layout.LAYOUT["name_top"] + layout.LAYOUT["name_height"]) * MM
    return sorted(w for w in pdf_words(path) if top - 2 <= w[1] and w[3] <= bottom + 2)


def write_roster(folder: Path, rows: list[list[str]], encoding: str = "utf-8-sig", header=HEADER) -> Path:
    path = folder / "trainees.csv"
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row(no: int, prefix: str, first: str, last: str, hours="18", score="80", village="บ้านหนองบัว") -> list[str]:
    return [str(no), prefix, first, last, "ขอนแก่น", "เมืองขอนแก่น", "นาดี", village, hours, score]


def new_cohort(root: Path, name: str, rows: list[list[str]], **changes) -> Path:
    """A cohort like the sample (same logos, signatures and rules) with the given rows."""
    folder = root / "roster" / name
    folder.mkdir(parents=True)
    sample = ROOT_SAMPLE
    for path in sample.iterdir():
        if path.suffix == ".svg":
            shutil.copy(path, folder / path.name)
    config = yaml.safe_load((sample / "cohort.yml").read_text(encoding="utf-8"))
    config.update(changes)
    (folder / "cohort.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_roster(folder, rows)
    return folder


ROOT_SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample" / SAMPLE  # the frozen sample cohort


def course_at(root: Path):
    course, problems = load_checked_course(root)
    assert course is not None, problems
    return course


@pytest.fixture
def project(tmp_path):
    """The repository's course and sample cohort in a temporary folder."""
    return copy_course("sample", tmp_path)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample cohort built once (180 synthetic trainees), for tests that only read output."""
    root = copy_course("sample", tmp_path_factory.mktemp("sample"))
    assert build(root, "certificates") == 0
    return root


# --- the sample cohort, end to end ---------------------------------------------------------------

def test_sample_cohort_issues_certificates_to_eligible_trainees_only(sample):
    rows = summary(sample)
    assert len(rows) == 180
    issued = [r for r in rows if r["eligible"] == "yes"]
    refused = {r["name"]: r["reason"] for r in rows if r["eligible"] == "no"}
    assert len(issued) == 177
    assert set(refused) == {"นายภานุวัฒน์ กิ่งแก้ว", "นายวรวุฒิ หอมจันทร์", "นางกมลชนก วงศ์ใหญ่"}
    assert "ร้อยละ 50" in refused["นายภานุวัฒน์ กิ่งแก้ว"]
    assert "คะแนน 48" in refused["นายวรวุฒิ หอมจันทร์"]
    assert "ไม่มีคะแนน" in refused["นางกมลชนก วงศ์ใหญ่"]
    out = sample / "dist" / "certificates" / "sample-2565-bkk"
    assert sorted(p.name for p in (out / "by-number").iterdir()) == sorted(f"{r['number']}.pdf" for r in issued)
    assert "นายวรวุฒิ หอมจันทร์" in (out / "not-eligible.txt").read_text(encoding="utf-8")
    assert _pages(out / "print-all.pdf") == 177
    assert _pages(out / "sign-in-sheet.pdf") == 8  # all 180 trainees, 20 then 23 a page


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert info.stderr == "", info.stderr  # poppler reports any damage in the file here
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def test_certificates_embed_only_sarabun(sample):
    number = summary(sample)[0]["number"]
    for path in (single(sample, number), sample / "dist/certificates/sample-2565-bkk/print-all.pdf",
                 sample / "dist/certificates/sample-2565-bkk/sign-in-sheet.pdf"):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        lines = fonts.strip().splitlines()[2:]
        assert lines and all(re.match(r"[A-Z]{6}\+Sarabun", line) and " yes yes yes " in line for line in lines), fonts


def test_certificate_shows_the_wording_date_number_and_a_scannable_qr_code(sample, tmp_path):
    row_ = next(r for r in summary(sample) if r["eligible"] == "yes")
    path = single(sample, row_["number"])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "วุฒิบัตร" in text
    assert "ให้ไว้ ณ วันที่ ๑๑ มีนาคม พ.ศ. ๒๕๖๕" in text  # thai_numerals: true in the sample
    assert "การพัฒนาอาสาสมัครดิจิทัล (อสด.) ประจำหมู่บ้าน" in text
    assert "โรงแรมปรินซ์พาเลซ มหานาค กรุงเทพฯ" in text
    assert f"เลขที่ {row_['number']}" in text
    assert re.fullmatch(r"อสด-2565-BKK1-\d{4}-[0-9A-HJKMNP-TV-Z]{8}", row_["number"])
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(path), str(png)], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", f"{png}-1.png"], capture_output=True, text=True).stdout.strip()
    assert scanned == verify.verify_url("https://osd-course.example.org/", row_["number"])


@pytest.mark.parametrize("name", TRICKY + [LONG])
def test_tricky_thai_names_print_and_extract(sample, name):
    number = next(r["number"] for r in summary(sample) if r["name"] == name)
    words = name_line(single(sample, number))
    assert " ".join(w[4] for w in words) == name


# ำ after consonants and tone marks, marks over tall letters, ฤ, ฤๅ, ฦ, ฦๅ, Latin and a hyphen.
EXACT_NAMES = [("นาง", "ฤทัย", "ฦาชา"), ("นาย", "น้ำ", "ประจำวงศ์"), ("นางสาว", "ปิ่นมณี", "ฝั้นป้อม"),
               ("นาย", "ฦๅเดช", "คำฤๅ"), ("นาย", "John", "Smith-Jones"), ("นาย", "พฤกษ์", "ต่ำสำเนียง")]


def test_every_name_is_found_exactly_on_its_certificate_the_print_file_and_the_sign_in_sheet(project):
    folder = new_cohort(project, "names", [row(n, *name) for n, name in enumerate(EXACT_NAMES, 1)])
    command.build_certificates(course_at(project), [folder])
    out = project / "dist" / "certificates" / "names"
    sign_in = pdftotext(out / "sign-in-sheet.pdf")
    print_all = pdftotext(out / "print-all.pdf")
    for entry in summary(project, "names"):
        name = entry["name"]
        assert name in pdftotext(single(project, entry["number"], "names")), name
        assert name in print_all and name in sign_in, name
    assert {entry["name"] for entry in summary(project, "names")} == {
        f"{prefix}{' ' if first.isascii() else ''}{first} {last}" for prefix, first, last in EXACT_NAMES}


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_long_name_shrinks_to_fit_one_line_inside_the_name_box(sample):
    number = next(r["number"] for r in summary(sample) if r["name"] == LONG)
    words = name_line(single(sample, number))
    left = (layout.LAYOUT["page_width"] - layout.LAYOUT["name_width"]) / 2 * MM
    right = left + layout.LAYOUT["name_width"] * MM
    assert left <= min(w[0] for w in words) and max(w[2] for w in words) <= right
    assert max(w[1] for w in words) - min(w[1] for w in words) < 3  # one line: marks sit a little higher
    assert " ".join(w[4] for w in words) == LONG  # nothing wrapped out of the box
    assert layout.NAME_MIN_PT < fit.name_font_size(LONG) < layout.NAME_MAX_PT
    assert fit.name_font_size("นางสาวน้ำผึ้ง กุ้งนาง") == layout.NAME_MAX_PT
    short = next(r["number"] for r in summary(sample) if r["name"] == "นางสาวน้ำผึ้ง กุ้งนาง")
    height = lambda ws: max(w[3] - w[1] for w in ws)  # noqa: E731 - the font size, as poppler sees it
    assert height(words) < 0.75 * height(name_line(single(sample, short)))


def test_public_hash_file_holds_hashes_only(sample):
    data = json.loads((sample / "published" / "verify" / "sample-2565-bkk.json").read_text(encoding="utf-8"))
    rows = summary(sample)
    assert len(data["valid"]) == 177 and data["revoked"] == []
    assert all(re.fullmatch(r"[0-9a-f]{32}", h) for h in data["valid"])
    text = json.dumps(data, ensure_ascii=False)
    for r in rows:
        assert r["name"] not in text and r["name"].split()[-1] not in text
        assert not r["number"] or r["number"][-8:] not in text
    with open(sample / SAMPLE / "trainees.csv", encoding="utf-8-sig") as fh:
        first = next(csv.DictReader(fh))  # roster row 2, the first certificate
    assert rows[0]["row"] == "2" and rows[0]["eligible"] == "yes"
    assert certificate_hash(rows[0]["number"], name_key(f"{first['ชื่อ']} {first['นามสกุล']}")) in data["valid"]


def test_same_input_gives_identical_pdfs(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1646960400")
    assert build(project, "certificates") == 0
    out = project / "dist" / "certificates" / "sample-2565-bkk"
    first = {p.name: p.read_bytes() for p in [out / "print-all.pdf", out / "sign-in-sheet.pdf",
                                                *sorted((out / "by-number").iterdir())[:3]]}
    assert build(project, "certificates") == 0
    for name, data in first.items():
        again = (out / name) if (out / name).exists() else out / "by-number" / name
        assert again.read_bytes() == data, name


# --- numbering ------------------------------------------------------------------------------------

def test_adding_and_removing_trainees_renumbers_nobody(project):
    folder = new_cohort(project, "stable", [row(1, "นาย", "ก้องภพ", "ศรีสุข"), row(2, "นาง", "ขวัญใจ", "บุญมา"),
                                            row(3, "น.ส.", "ชุติมา", "ดวงดี")])
    course = course_at(project)
    command.build_certificates(course, [folder])
    before = {r["name"]: r["number"] for r in summary(project, "stable")}
    write_roster(folder, [row(1, "นาง", "ขวัญใจ", "บุญมา"), row(2, "ด.ญ.", "ปวีณา", "สายทอง"),
                          row(3, "นางสาว", "ชุติมา", "ดวงดี")])  # ก้องภพ left, ปวีณา joined in the middle
    command.build_certificates(course, [folder])
    after = {r["name"]: r["number"] for r in summary(project, "stable")}
    assert after["นางขวัญใจ บุญมา"] == before["นางขวัญใจ บุญมา"]
    assert after["นางสาวชุติมา ดวงดี"] == before["นางสาวชุติมา ดวงดี"]  # น.ส. and นางสาว are one prefix
    assert "-0004-" in after["เด็กหญิงปวีณา สายทอง"]  # the next serial; 0001 stays ก้องภพ's
    registry = (folder / "numbers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert registry[0] == "serial,name,place" and len(registry) == 5


def test_secret_is_created_private_once_and_env_var_wins(project, monkeypatch):
    folder = new_cohort(project, "secret", [row(1, "นาย", "ก้องภพ", "ศรีสุข")])
    course = course_at(project)
    command.build_certificates(course, [folder])
    secret = folder / ".secret"
    assert re.fullmatch(r"[0-9a-f]{64}\n", secret.read_text()) and secret.stat().st_mode & 0o777 == 0o600
    number = summary(project, "secret")[0]["number"]
    command.build_certificates(course, [folder])
    assert summary(project, "secret")[0]["number"] == number
    monkeypatch.setenv("COURSE_CERT_SECRET_SECRET", "ab" * 32)
    command.build_certificates(course, [folder])
    other = summary(project, "secret")[0]["number"]
    assert other != number and other[:-8] == number[:-8]  # same serial, another check code
    # The first release's variable name still works, after the new one.
    monkeypatch.delenv("COURSE_CERT_SECRET_SECRET")
    monkeypatch.setenv("OSD_CERT_SECRET_SECRET", "ab" * 32)
    command.build_certificates(course, [folder])
    assert summary(project, "secret")[0]["number"] == other


def test_revoked_number_gets_no_pdf_and_a_revocation_hash(project):
    folder = new_cohort(project, "revoke", [row(1, "นาย", "ก้องภพ", "ศรีสุข"), row(2, "นาง", "ขวัญใจ", "บุญมา")])
    course = course_at(project)
    command.build_certificates(course, [folder])
    number = summary(project, "revoke")[0]["number"]
    (folder / "revoked.txt").write_text(f"# numbers revoked\n{number}  # printed with a wrong name\n", encoding="utf-8")
    lines = command.build_certificates(course, [folder])
    rows = summary(project, "revoke")
    assert rows[0]["eligible"] == "no" and "ถูกเพิกถอน" in rows[0]["reason"]
    assert not single(project, number, "revoke").exists()
    data = json.loads((project / "published" / "verify" / "revoke.json").read_text(encoding="utf-8"))
    assert data["revoked"] == [revocation_hash(number)] and len(data["valid"]) == 1
    assert any("without a certificate" in line for line in lines)


def test_unknown_revoked_number_is_reported_with_its_line(project):
    folder = new_cohort(project, "revoke2", [row(1, "นาย", "ก้องภพ", "ศรีสุข")])
    (folder / "revoked.txt").write_text("\nอสด-2565-BKK1-0009-AAAAAAAA\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        command.build_certificates(course_at(project), [folder])
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.code) == ("roster/revoke2/revoked.txt", 2, "revoked-unknown")


# --- eligibility ----------------------------------------------------------------------------------

def _trainee(hours=None, score=None) -> Trainee:
    return Trainee(2, "นาย", "ก้องภพ", "ศรีสุข", hours=hours, score=score)


def test_eligibility_by_hours_and_score():
    rules = Eligibility(min_hours=12, min_score=60)
    assert not_eligible_reasons(_trainee(12, 60), rules) == []
    assert not_eligible_reasons(_trainee(11.5, 60), rules) == ["อบรม 11.5 ชั่วโมง ไม่ถึงเกณฑ์ 12 ชั่วโมง"]
    assert not_eligible_reasons(_trainee(12, 59), rules) == ["คะแนน 59 ไม่ถึงเกณฑ์ 60"]
    assert not_eligible_reasons(_trainee(None, None), rules) == ["ไม่มีข้อมูลชั่วโมงอบรม", "ไม่มีคะแนนสอบ"]


def test_eligibility_by_attendance_percent():
    rules = Eligibility(min_attendance_percent=80, course_hours=18)
    assert not_eligible_reasons(_trainee(14.4), rules) == []  # exactly 80 %
    assert not_eligible_reasons(_trainee(14), rules) == ["เข้าอบรมร้อยละ 77.8 ไม่ถึงเกณฑ์ร้อยละ 80"]
    assert not_eligible_reasons(_trainee(), Eligibility()) == []  # no rule, no reason


def test_attendance_rule_without_course_hours_is_reported(project):
    folder = new_cohort(project, "rules", [row(1, "นาย", "ก้องภพ", "ศรีสุข")],
                        eligibility={"min_attendance_percent": 80})
    loaded = load_cohort(folder, project, "osd-village", False)
    assert loaded.cohort is None
    assert [p.code for p in loaded.problems] == ["eligibility-rule"]


# --- reading rosters ------------------------------------------------------------------------------

ROWS = [row(1, "นางสาว", "น้ำผึ้ง", "กุ้งนาง"), row(2, "ด.ช.", "ฤทธิ์", "พฤกษ์ชาติ", hours="5.5", score="๗๒")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_csv_encodings_are_detected(project, encoding):
    folder = new_cohort(project, "enc", [])
    write_roster(folder, ROWS, encoding=encoding)
    loaded = load_cohort(folder, project, "osd-village", False)
    assert loaded.problems == [] and loaded.row_problems == []
    names = [(t.full_name, t.hours, t.score) for t in loaded.cohort.trainees]
    assert names == [("นางสาวน้ำผึ้ง กุ้งนาง", 18.0, 80.0), ("เด็กชายฤทธิ์ พฤกษ์ชาติ", 5.5, 72.0)]


def test_xlsx_roster_with_english_headers(project):
    import openpyxl

    folder = new_cohort(project, "xlsx", [])
    (folder / "trainees.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["no", "prefix", "first_name", "last_name", "province", "district", "subdistrict", "village",
                  "hours", "score"])
    sheet.append([1, "นางสาว", "น้ำผึ้ง", "กุ้งนาง", "ขอนแก่น", "เมืองขอนแก่น", "นาดี", "บ้านหนองบัว", 6, 80])
    sheet.append([2, "นาย", "ทองดี", None, "ขอนแก่น", "เมืองขอนแก่น", "นาดี", "บ้านหนองบัว", 6, "ดี"])
    book.save(folder / "trainees.xlsx")
    loaded = load_cohort(folder, project, "osd-village", False)
    assert [t.full_name for t in loaded.cohort.trainees] == ["นางสาวน้ำผึ้ง กุ้งนาง"]
    assert {(p.path, p.line, p.column, p.code) for p in loaded.row_problems} == {
        ("roster/xlsx/trainees.xlsx", 3, 4, "missing-name"), ("roster/xlsx/trainees.xlsx", 3, 10, "not-a-number")}


def test_undecodable_roster_is_reported_with_its_line():
    raw = "ลำดับ,คำนำหน้า\n".encode("utf-8") + b"1,\xc3\xa9t\xe9\xdb\n"  # Latin-1 bytes, not Thai
    text, problem = decode_roster(raw, "roster/x/trainees.csv")
    assert text is None
    assert (problem.line, problem.code) == (2, "roster-encoding")


def test_every_bad_row_is_reported_and_nothing_is_written(project):
    assert build(project, "certificates") == 0
    earlier = (project / "dist" / "certificates" / "sample-2565-bkk" / "summary.csv").read_bytes()
    folder = new_cohort(project, "bad", [
        row(1, "นาย", "", "ศรีสุข"),  # missing first name
        row(2, "คุณ", "ขวัญใจ", "บุญมา"),  # not a prefix (ดร. is one)
        row(3, "นาง", "ชุติมา", "ดวงดี", score="เก้าสิบ"),  # not a number
        row(4, "นาง", "ชุติมา", "ดวงดี"),
        row(5, "นาง", "ชุติมา", "ดวงดี"),  # the same trainee again
        row(6, "", "นายปิยะพงษ์", "ทองคำ"),  # prefix typed into the name
        row(7, "นาย", "ก้องภพ", "🙂"),  # not in the certificate font
    ])
    with pytest.raises(ContentError) as caught:
        command.build_certificates(course_at(project), [])
    problems = caught.value.problems
    assert {(p.path, p.line, p.column, p.code) for p in problems} == {
        ("roster/bad/trainees.csv", 2, 3, "missing-name"),
        ("roster/bad/trainees.csv", 3, 2, "unknown-prefix"),
        ("roster/bad/trainees.csv", 4, 10, "not-a-number"),
        ("roster/bad/trainees.csv", 6, 3, "duplicate-trainee"),
        ("roster/bad/trainees.csv", 7, 2, "unknown-prefix"),
        ("roster/bad/trainees.csv", 8, 4, "name-unprintable"),
    }
    hint = next(p.hint for p in problems if p.line == 7)
    assert "move it to the คำนำหน้า column" in hint
    assert not (project / "dist" / "certificates" / "bad").exists()
    assert not (folder / "numbers.csv").exists() and not (folder / ".secret").exists()
    assert (project / "dist" / "certificates" / "sample-2565-bkk" / "summary.csv").read_bytes() == earlier


def test_skip_invalid_issues_valid_rows_and_reports_the_rest(project, capsys):
    new_cohort(project, "skip", [row(1, "นาย", "", "ศรีสุข"), row(2, "นาย", "ก้องภพ", "ศรีสุข")])
    assert build(project, "certificates", str(project / "roster" / "skip")) == 1
    assert not (project / "dist" / "certificates" / "skip").exists()
    capsys.readouterr()
    assert build(project, "certificates", "--skip-invalid", str(project / "roster" / "skip")) == 0
    out = capsys.readouterr().out
    assert "roster/skip/trainees.csv:2:3: error[missing-name]" in out
    assert [r["name"] for r in summary(project, "skip")] == ["นายก้องภพ ศรีสุข"]


def test_missing_logo_and_signature_are_reported_at_their_yaml_lines(project):
    folder = new_cohort(project, "images", [row(1, "นาย", "ก้องภพ", "ศรีสุข")])
    (folder / "logo-des.svg").unlink()
    (folder / "signature-1.svg").unlink()
    loaded = load_cohort(folder, project, "osd-village", False)
    lines = (folder / "cohort.yml").read_text(encoding="utf-8").splitlines()
    found = {(p.code, lines[p.line - 1].strip()) for p in loaded.problems}
    assert found == {("missing-logo", "logo: logo-des.svg"), ("missing-signature", "signature: signature-1.svg")}


def test_a_broken_logo_fails_the_build_instead_of_printing_without_it(project):
    folder = new_cohort(project, "broken", [row(1, "นาย", "ก้องภพ", "ศรีสุข")])
    (folder / "logo-pm.svg").write_text("<svg this is not XML", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        command.build_certificates(course_at(project), [folder])
    assert {p.code for p in caught.value.problems} == {"print-warning"}
    assert any("logo-pm.svg" in p.message for p in caught.value.problems)
    assert not (project / "dist" / "certificates" / "broken").exists()
    assert not (folder / ".secret").exists() and not (folder / "numbers.csv").exists()


def test_names_are_escaped_not_interpreted(project):
    folder = new_cohort(project, "escape", [row(1, "นาย", "<script>alert(1)</script>", "&amp;")])
    command.build_certificates(course_at(project), [folder])
    number = summary(project, "escape")[0]["number"]
    text = "".join(w[4] for w in name_line(single(project, number, "escape")))
    assert text == "นาย<script>alert(1)</script>&amp;"


def test_pdf_writer_renumbers_only_references():
    head = b"<</Type /Font /W [3 [500 0 612] 40 0 [7]] /FontDescriptor 7 0 R /DescendantFonts [12 0 R]>>"
    assert assembly.shift_references(head, 10) == \
        b"<</Type /Font /W [3 [500 0 612] 40 0 [7]] /FontDescriptor 17 0 R /DescendantFonts [22 0 R]>>"


# --- properties -----------------------------------------------------------------------------------

@given(st.text(min_size=1, max_size=60))
@settings(max_examples=200, deadline=None)
def test_any_number_gives_a_safe_file_name(number):
    name = command.safe_file_name(number)
    assert name and len(name) <= 120
    assert not any(ch in name for ch in '/\\:*?"<>|\0 ') and name not in (".", "..")


ALLOWED = {"missing-name", "bad-name", "unknown-prefix", "name-unprintable", "name-too-long", "roster-unreadable",
           "duplicate-trainee"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    root = copy_course("sample", tmp_path_factory.mktemp("property"))
    return root, course_at(root)


@given(first=st.text(max_size=40), last=st.text(min_size=1, max_size=20))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_unicode_name_gives_a_certificate_or_a_clear_problem(scratch, first, last):
    root, course = scratch
    name = f"prop-{uuid.uuid4().hex[:8]}"
    folder = new_cohort(root, name, [row(1, "นาย", first, last)])
    try:
        try:
            lines = command.build_certificates(course, [folder])
        except ContentError as exc:
            assert exc.problems and all(p.code in ALLOWED for p in exc.problems), exc.problems
            assert all(p.path == f"roster/{name}/trainees.csv" and p.line >= 1 for p in exc.problems)
            return
        assert lines
        (made,) = (root / "dist" / "certificates" / name / "by-number").iterdir()
        assert made.stat().st_size > 1000
    finally:
        shutil.rmtree(folder)
        shutil.rmtree(root / "dist" / "certificates" / name, ignore_errors=True)


def test_no_roster_folder_is_not_an_error(tmp_path):
    root = copy_course("minimal", tmp_path)
    assert command.build_certificates(course_at(root), []) == [
        "certificates: no cohort folders in roster/, nothing to issue"]


def test_certificates_refuse_a_weasyprint_other_than_the_pinned_one():
    """assembly.py paints with WeasyPrint internals: another release must stop the build by name."""
    import weasyprint

    assert weasyprint.__version__ == assembly.PINNED_WEASYPRINT, (
        f"WeasyPrint {weasyprint.__version__} is installed but certificates/assembly.py was written for "
        f"{assembly.PINNED_WEASYPRINT}: port it, check a certificate PNG, then update PINNED_WEASYPRINT")
    assembly.check_weasyprint_version(assembly.PINNED_WEASYPRINT)
    with pytest.raises(assembly.UnsupportedWeasyPrint, match="71.0"):
        assembly.check_weasyprint_version("71.0")
