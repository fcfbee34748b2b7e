"""Print: handouts, quiz sheets, answer keys and the course book, checked the way a reader sees them.

PDFs are inspected with poppler (pdffonts, pdftotext, pdftoppm) and zbarimg, and pages are compared
with small greyscale reference images in tests/golden/print/. After an intended change to the print
layout, refresh them with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_print.py` and look
at the new PNGs before committing them.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import build, copy_course
from PIL import Image, ImageChops, ImageStat

from coursebuild import urls
from coursebuild.pdf import font_face_css, write_pdf
from coursebuild.problems import ContentError
from coursebuild.render.print.handouts import build_handouts, plan_print, read_print_css
from coursebuild.render.print.thai_lines import glue_thai, glue_thai_html
from coursebuild.source.load import load_course

pytestmark = pytest.mark.pdf  # renders with WeasyPrint, reads back with poppler

GOLDEN = Path(__file__).resolve().parent / "golden" / "print"
# 2022-03-11 12:00 UTC: the first อสด. session, 11 มีนาคม 2565. Fixed so covers and PDF dates match.
EPOCH = "1647000000"
MODULES = ("first-steps", "fake-news")
TRAINEE_FILES = [*(urls.handout_file(m) for m in MODULES), *(urls.quiz_sheet_file(m) for m in MODULES),
                 urls.BOOK_FILE]
TRAINER_FILES = [*(urls.answers_file(m) for m in MODULES), urls.TRAINER_BOOK_FILE]
GOLDEN_TOLERANCE = 3.0  # mean absolute difference, 0–255 grey levels, at 20 dpi


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The minimal course with its print set built once through the CLI."""
    root = copy_course("minimal", tmp_path_factory.mktemp("print"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert build(root, "handouts") == 0
    return root


def site_file(root: Path, file: str) -> Path:
    """Trainee files are published in site/; trainer files stay in dist/ (never on the site)."""
    return root / ("dist" if urls.is_trainer_file(file) else "site") / file


def pdf_text(path: Path) -> str:
    """The PDF's text as a skeleton, for comparison with `skeleton(source text)`.

    Thai comes back exactly, ำ and tone marks included (coursebuild/weasyprint_thai.py; before it,
    ประจำ read ประจา and marks moved). `-raw` keeps the order the text was drawn in, so a table
    cell or a box reads as one piece. Both sides drop whitespace and our word joiners only, because
    Thai lines wrap between words without a space.
    """
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return skeleton(out)


_LAYOUT = re.compile(r"[\s\u2060]+")


def skeleton(text: str) -> str:
    return _LAYOUT.sub("", text)


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


# --- the files ------------------------------------------------------------------------------------

def test_every_document_is_written_and_listed_in_the_manifest(printed):
    manifest = json.loads(site_file(printed, urls.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert sorted(e["file"] for e in manifest) == sorted(TRAINEE_FILES)
    kinds = {e["file"]: (e["kind"], e["module"]) for e in manifest}
    assert kinds[urls.handout_file("fake-news")] == ("handout", "fake-news")
    assert kinds[urls.quiz_sheet_file("fake-news")] == ("quiz", "fake-news")
    assert kinds[urls.BOOK_FILE] == ("book", None)
    for entry in manifest:
        path = site_file(printed, entry["file"])
        assert entry["pages"] == pdf_pages(path), entry["file"]
        assert entry["bytes"] == path.stat().st_size
        assert re.search("[\u0e01-\u0e5b]", entry["title"]), "titles are Thai"


def test_trainer_copies_stay_off_the_public_site(printed):
    """Answer keys and trainer notes are for trainers: dist/trainer/, never site/."""
    for file in TRAINER_FILES:
        assert site_file(printed, file).is_file(), file
        assert (printed / "dist" / file).is_file()
    published = {p.name for p in (printed / "site").rglob("*.pdf")}
    assert not published & {Path(f).name for f in TRAINER_FILES}


def test_pdfs_embed_only_sarabun(printed):
    for file in TRAINEE_FILES + TRAINER_FILES:
        out = subprocess.run(["pdffonts", str(site_file(printed, file))], capture_output=True, text=True,
                             check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, f"{file} has no fonts"
        for row in rows:
            name, emb = row.split()[0], row.split()[-5]
            assert "Sarabun" in name and emb == "yes", f"{file}: {row}"


def pdf_catalog(path: Path) -> bytes:
    """The document catalog dictionary (WeasyPrint writes it inside a compressed object stream)."""
    data = path.read_bytes()
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            chunk = zlib.decompressobj().decompress(data[match.end():])
        except zlib.error:
            continue
        found = re.search(rb"<<\s*/Type\s*/Catalog.*?(?=<<\s*/Type|$)", chunk, re.S)
        if found:
            return found.group(0)
    raise AssertionError(f"{path.name}: no catalog found")


def outline(path: Path) -> list[str]:
    """The PDF's bookmarks, as poppler reads them."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(path)], capture_output=True, text=True,
                         check=True).stdout
    # A no-break space keeps "บทที่ 1" together on paper; a bookmark reads it as a space.
    return [item.replace("\u00a0", " ") for item in re.findall(r'<item page="\d+">(.*?)</item>', xml)]


def test_every_print_document_is_tagged_for_pdf_ua_with_thai_as_its_language(printed):
    for file in TRAINEE_FILES + TRAINER_FILES:
        path = site_file(printed, file)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes", info, re.M), f"{file} is not tagged"
        meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
        assert 'pdfuaid:part="1"' in meta, f"{file} does not claim PDF/UA-1"
        catalog = pdf_catalog(path)
        assert b"/Lang (th)" in catalog, f"{file}: {catalog[:200]!r}"
        assert b"/StructTreeRoot" in catalog and b"/MarkInfo" in catalog, file
        structure = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True,
                                   check=True).stdout
        assert "H1" in structure and " P" in structure, f"{file} has no headings or paragraphs in its structure"


def test_course_book_has_bookmarks_for_chapters_and_their_sections(printed):
    course, _ = load_course(printed)
    marks = outline(site_file(printed, urls.BOOK_FILE))
    for number, module in enumerate(course.modules, 1):
        assert f"บทที่ {number} {module.meta.title}" in marks, marks
    assert "อภิธานศัพท์" in marks
    assert len(marks) > 2 * len(course.modules), "sections (h2, h3) are bookmarked too"


def test_handouts_and_book_show_each_module_title_and_objectives(printed):
    course, _ = load_course(printed)
    book = pdf_text(site_file(printed, urls.BOOK_FILE))
    for module in course.modules:
        handout = pdf_text(site_file(printed, urls.handout_file(module.id)))
        for text in (module.meta.title, *module.meta.objectives):
            assert skeleton(text) in handout, f"{module.id}: {text}"
            assert skeleton(text) in book, f"book: {text}"
    assert skeleton("อภิธานศัพท์") in book and skeleton("ข้อมูลที่ไม่เป็นความจริง") in book  # glossary at the end
    assert book.rindex(skeleton("อภิธานศัพท์")) > book.rindex(skeleton("รู้เท่าทันข่าวปลอม"))


def test_handout_date_is_the_source_date_in_buddhist_era(printed):
    assert skeleton("11 มีนาคม พ.ศ. 2565") in pdf_text(site_file(printed, urls.handout_file("first-steps")))


def test_activity_becomes_a_worksheet_with_a_pointer_in_the_lesson(printed):
    text = pdf_text(site_file(printed, urls.handout_file("first-steps")))
    assert skeleton("· ทำในใบงานหน้า 3") in text  # the pointer left where the activity was, with its page
    assert skeleton("ใบงาน · บทที่ 1") in text and skeleton("บันทึกของกลุ่ม") in text


def test_qr_code_on_handout_opens_the_lesson_the_site_builds(printed):
    png = printed / "cover.png"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(site_file(printed, urls.handout_file("first-steps"))), str(png.with_suffix(""))], check=True)
    scan = subprocess.run(["/usr/bin/zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
    codes = set(scan.stdout.split())
    lesson = "https://example.org/minimal/modules/first-steps/"
    assert codes == {lesson, "https://example.org/minimal/quiz/first-steps/"}

    assert build(printed, "site") == 0
    path = urlsplit(lesson).path.removeprefix(urlsplit("https://example.org/minimal/").path)
    assert (printed / "site" / path / "index.html").is_file()
    assert (printed / "site" / urls.quiz_path("first-steps") / "index.html").is_file()
    assert site_file(printed, urls.handout_file("first-steps")).is_file(), "the site build kept the handouts"
    downloads = (printed / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    for file in TRAINEE_FILES:
        assert f'href="../{file}"' in downloads, f"the downloads page does not list {file}"
    assert not any(Path(f).name in downloads for f in TRAINER_FILES)


def test_trainer_notes_only_in_the_trainer_edition(printed):
    secret = skeleton("ความลับของวิทยากร")
    for file in TRAINEE_FILES:
        assert secret not in pdf_text(site_file(printed, file)), file
    trainer_book = pdf_text(site_file(printed, urls.TRAINER_BOOK_FILE))
    assert secret in trainer_book
    assert skeleton("บันทึกสำหรับวิทยากร") in trainer_book


def test_answer_key_has_answers_and_explanations_and_the_quiz_sheet_has_neither(printed):
    sheet = pdf_text(site_file(printed, urls.quiz_sheet_file("first-steps")))
    key = pdf_text(site_file(printed, urls.answers_file("first-steps")))
    trainer_book = pdf_text(site_file(printed, urls.TRAINER_BOOK_FILE))
    explanation = skeleton("ตรวจสอบก่อนแชร์ทุกครั้ง")
    for text in ("ชื่อ–สกุล", "วันที่", "ช่องทางใดเป็นช่องทางทางการ", "ลิงก์ใน SMS"):
        assert skeleton(text) in sheet
    assert explanation not in sheet and skeleton("(คำตอบที่ถูก)") not in sheet
    assert explanation in key and explanation in trainer_book
    assert skeleton("ห้ามขอรหัสผ่านของผู้อื่นเด็ดขาด") in key  # feedback on a tempting wrong choice
    assert skeleton("ข้อ 3 ก, ข") in key  # the multiple-answer question, in the quick-marking grid


def test_course_book_has_contents_with_page_numbers_and_page_x_of_y(printed):
    book = site_file(printed, urls.BOOK_FILE)
    total = pdf_pages(book)
    contents = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(book), "-"],
                              capture_output=True, text=True, check=True).stdout
    entries = dict(re.findall(r"^\s*(\S.*?)[ .]+(\d+)\s*$", contents, re.M))
    first = skeleton("บทที่ 1 ก้าวแรกของอาสาสมัครดิจิทัล")
    found = {skeleton(k.replace(".", "")): int(v) for k, v in entries.items()}
    assert first in found, contents
    start = found[first]
    chapter_page = subprocess.run(["pdftotext", "-f", str(start), "-l", str(start), str(book), "-"],
                                  capture_output=True, text=True, check=True).stdout
    assert skeleton("ก้าวแรกของอาสาสมัครดิจิทัล") in skeleton(chapter_page)
    assert re.search(rf"^{start}\s*/\s*{total}$", chapter_page, re.M)  # the footer: page X / Y


# --- what a reader sees ---------------------------------------------------------------------------

GOLDEN_PAGES = [
    ("handout-cover", urls.handout_file("first-steps"), 1),
    ("handout-lesson", urls.handout_file("first-steps"), 2),
    ("handout-worksheet", urls.handout_file("first-steps"), 3),
    ("quiz", urls.quiz_sheet_file("first-steps"), 1),
    ("answers", urls.answers_file("first-steps"), 1),
    ("book-cover", urls.BOOK_FILE, 1),
    ("book-contents", urls.BOOK_FILE, 2),
    ("book-chapter", urls.BOOK_FILE, 3),
    ("book-trainer-chapter", urls.TRAINER_BOOK_FILE, 3),
]


@pytest.mark.parametrize("name,file,page", GOLDEN_PAGES, ids=[g[0] for g in GOLDEN_PAGES])
def test_page_looks_like_the_reference_image(printed, tmp_path, name, file, page):
    out = tmp_path / name
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(site_file(printed, file)), str(out)], check=True)
    actual = Image.open(out.with_suffix(".png")).convert("L")
    reference = GOLDEN / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        actual.save(reference, optimize=True)
    assert reference.is_file(), f"{reference} is missing: run with UPDATE_GOLDEN=1 and look at it"
    expected = Image.open(reference).convert("L")
    assert actual.size == expected.size
    difference = ImageStat.Stat(ImageChops.difference(actual, expected)).mean[0]
    assert difference <= GOLDEN_TOLERANCE, f"{name} differs by {difference:.2f} grey levels on average"


def test_wide_tables_long_addresses_and_big_images_stay_inside_the_side_margins(tmp_path):
    root = copy_course("minimal", tmp_path)
    lesson = root / "course" / "modules" / "fake-news.md"
    long_url = "https://www.example.go.th/" + "ข่าวปลอม/" * 12 + "a" * 150
    wide_row = "| " + " | ".join(["ศูนย์ต่อต้านข่าวปลอมประเทศไทย"] * 6) + " |"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n".join([
        "", f"ดูที่ [ประกาศ]({long_url}) และ {'ก' * 120}", "",
        "| " + " | ".join("abcdef") + " |", "|" + "---|" * 6, wide_row, wide_row, "",
        '<img alt="ภาพกว้าง" src="../images/steps.svg" style="width: 400mm">', ""]), encoding="utf-8")
    course, _ = load_course(root)
    build_handouts(course)
    for pdf in (root / "site" / "handouts").glob("*.pdf"):
        prefix = tmp_path / pdf.stem
        subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(prefix)], check=True)
        for png in tmp_path.glob(f"{pdf.stem}-*.png"):
            page = Image.open(png).convert("L")
            per_mm = page.width / 210
            # The side margins are 20 mm (left) and 18 mm (right); check from 2 mm in to 1 mm short.
            for left, right in ((2, 19), (210 - 17, 210 - 2)):
                strip = page.crop((int(left * per_mm), 0, int(right * per_mm), page.height))
                assert strip.getextrema()[0] > 200, f"ink in the side margin of {png.name}"


def test_no_page_ends_with_a_heading(tmp_path):
    root = copy_course("minimal", tmp_path)
    lesson = root / "course" / "modules" / "fake-news.md"
    # Sections of every length, so that without break-after: avoid some heading lands at a page foot.
    sections = [f"## หัวข้อที่ {n}\n\n" + "ข้อความในย่อหน้าสำหรับทดสอบการแบ่งหน้า " * (3 + n % 7) + "\n"
                for n in range(40)]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n" + "\n".join(sections), encoding="utf-8")
    course, _ = load_course(root)
    jobs, problems = plan_print(course)
    assert problems == []
    for job in jobs:
        if job.module in ("fake-news", None) and job.kind in ("handout", "book"):
            document = layout(job.html, course)
            ends = [page_ending(page) for page in document.pages]
            assert not [n for n, tag in enumerate(ends, 1) if tag in ("h1", "h2", "h3", "h4")], (job.file, ends)


def layout(html: str, course):
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [CSS(string=font_face_css(), font_config=fonts), CSS(string=read_print_css(course), font_config=fonts)]
    return HTML(string=html).render(stylesheets=sheets, font_config=fonts)


def page_ending(page) -> str:
    """The element whose text line or image is drawn last in the page body (not the margin boxes).

    Uses WeasyPrint's layout tree (Page._page_box): pdftotext cannot tell a 17 pt heading from text.
    """
    from weasyprint.formatting_structure import boxes

    def walk(box):  # anonymous boxes carry their parent's element_tag
        for child in getattr(box, "children", []):
            if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)):
                yield box.element_tag
            elif isinstance(child, boxes.ParentBox):
                yield from walk(child)

    return list(walk(page._page_box.children[0]))[-1]


# --- reproducible and strict ----------------------------------------------------------------------

def test_two_builds_give_byte_identical_files(printed, tmp_path):
    other = copy_course("minimal", tmp_path / "again")
    assert build(other, "handouts") == 0
    first = {p.name: p.read_bytes() for p in (printed / "site" / "handouts").iterdir()}
    second = {p.name: p.read_bytes() for p in (other / "site" / "handouts").iterdir()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_missing_lesson_image_fails_naming_the_lesson_and_keeps_old_handouts(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    (root / "site" / "handouts").mkdir(parents=True)
    (root / "site" / "handouts" / "old.pdf").write_bytes(b"%PDF stand-in")
    (root / "course" / "images" / "steps.svg").unlink()
    lesson = (root / "course" / "modules" / "first-steps.md").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lesson, 1) if "steps.svg" in text)
    course, _ = load_course(root)  # unchecked, so print's own check is the one tested

    with pytest.raises(ContentError) as error:
        build_handouts(course)
    problems = {(p.path, p.code) for p in error.value.problems}
    assert problems == {("course/modules/first-steps.md", "missing-image")}
    assert error.value.problems[0].line == line and "steps.svg" in error.value.problems[0].message
    assert [p.name for p in (root / "site" / "handouts").iterdir()] == ["old.pdf"]
    assert not [p for p in (root / "site").iterdir() if p.name.startswith(".handouts")], "staging left behind"

    assert build(root, "handouts") == 1
    assert f"course/modules/first-steps.md:{line}:" in capsys.readouterr().out


def test_weasyprint_warning_fails_the_build_naming_the_lesson(tmp_path):
    root = copy_course("minimal", tmp_path)
    (root / "course" / "images" / "steps.svg").write_text("<svg this is not xml", encoding="utf-8")
    course, _ = load_course(root)
    with pytest.raises(ContentError) as error:
        build_handouts(course)
    blamed = {p.path for p in error.value.problems if p.code == "print-warning"}
    assert "course/modules/first-steps.md" in blamed
    assert not (root / "site" / "handouts").exists()


def test_thai_numerals_setting_prints_thai_page_numbers_and_dates(tmp_path):
    root = copy_course("minimal", tmp_path)
    config = root / "course" / "course.yml"
    config.write_text(config.read_text(encoding="utf-8") + "thai_numerals: true\n", encoding="utf-8")
    course, _ = load_course(root)
    build_handouts(course, workers=1)
    text = subprocess.run(["pdftotext", str(site_file(root, urls.handout_file("first-steps"))), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"^๒\s*/\s*๓$", text, re.M)
    assert skeleton("๑๑ มีนาคม พ.ศ. ๒๕๖๕") in skeleton(text)
    assert skeleton("บทที่ ๑") in skeleton(text)


# --- Thai line breaking ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,glued", [
    ("เด็ก ๆ", "เด็ก\u00a0ๆ"),  # Royal Institute spacing: the space must not break
    ("บ่อยๆ", "บ่อย\u2060ๆ"),
    ("กรุงเทพฯ", "กรุงเทพ\u2060ฯ"),
    ('ว่า "ไม่แน่ใจ ไม่แชร์" แล้ว', 'ว่า "ไม่แน่ใจ ไม่แชร์\u2060" แล้ว'),  # only the closing quote
    ("“ข่าว” ‘จริง’", "“ข่าว\u2060” ‘จริง\u2060’"),
    ("อย่างน้อย 3 จุด", "อย่างน้อย\u00a03\u00a0จุด"),
    ("พ.ศ. 2565", "พ.ศ.\u00a02565"),
    ("Call 1441 now", "Call 1441 now"),
])
def test_glue_thai_keeps_marks_and_closing_quotes_with_the_word_before(text, glued):
    assert glue_thai(text) == glued
    assert glue_thai(glued) == glued


def test_glue_thai_html_leaves_tags_and_styles_alone():
    html = '<style>a::after { content: "x" }</style><p class="a">เด็ก ๆ <a href="#q">"คำ"</a></p>'
    assert glue_thai_html(html) == ('<style>a::after { content: "x" }</style>'
                                    '<p class="a">เด็ก\u00a0ๆ <a href="#q">"คำ\u2060"</a></p>')


def test_no_printed_line_starts_with_mai_yamok_paiyannoi_or_a_closing_quote(tmp_path):
    # Narrow columns of every width, so that some break would fall right before each mark
    # without the glue (13 such lines before the fix).
    text = ("เด็ก ๆ ชอบเล่นกันมากมายหลายอย่าง " * 3
            + 'กรุงเทพฯ เป็นเมืองหลวง ไปเที่ยวกันบ่อยๆ นะ ทุกคนพูดว่า "ไม่แน่ใจ ไม่แชร์" แล้ว ฯลฯ ')
    columns = "".join(f'<p style="width:{w}mm">{text}</p>' for w in range(20, 80, 3))
    html = glue_thai_html(f"<html><body style='font: 16pt Sarabun'>{columns}</body></html>")
    pdf = tmp_path / "glue.pdf"
    write_pdf(html, tmp_path, [], "test", pdf)
    lines = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    starts = [line for line in lines.splitlines() if re.match(r'\s*[ๆฯ”’]', line)]
    closing = [line for line in lines.splitlines() if re.match(r'\s*"\s*(แล้ว|$)', line)]
    assert starts == [] and closing == []


def test_print_jobs_start_with_the_longest_then_public_documents_then_trainer_copies():
    """The order the pool gets jobs (render/print/handouts.schedule): the longest document first
    (the trainer book would otherwise end last on one core), then every public document, so that
    `build` can build the site while the remaining trainer copies render."""
    from coursebuild.render.print.handouts import PrintJob, schedule

    def job(file: str, size: int) -> PrintJob:
        return PrintJob(file, file, "x", None, "course/course.yml", "x" * size)

    jobs = [job("handouts/a.pdf", 10), job("trainer/a-answers.pdf", 30), job("trainer/course-book-trainer.pdf", 90),
            job("handouts/course-book.pdf", 60), job("handouts/b.pdf", 20), job("trainer/b-answers.pdf", 5)]
    assert [j.file for j in schedule(jobs)] == [
        "trainer/course-book-trainer.pdf", "handouts/course-book.pdf", "handouts/b.pdf", "handouts/a.pdf",
        "trainer/a-answers.pdf", "trainer/b-answers.pdf"]
    assert [j.file for j in schedule(jobs[:1])] == ["handouts/a.pdf"]
    assert schedule([]) == []


def _die(*args, **kwargs):
    """A print worker that dies the way an out-of-memory kill ends it (run in the worker process)."""
    os._exit(137)


def test_a_print_worker_that_dies_is_one_reported_problem_and_nothing_is_replaced(tmp_path, monkeypatch, capsys):
    root = copy_course("minimal", tmp_path / "course")
    (root / "site" / "handouts").mkdir(parents=True)
    (root / "site" / "handouts" / "old.pdf").write_bytes(b"%PDF old")
    monkeypatch.setenv("COURSEBUILD_CACHE", "off")
    monkeypatch.setattr("coursebuild.render.print.handouts.render_job", _die)
    monkeypatch.setattr("coursebuild.render.print.handouts.default_workers", lambda: 2)
    assert build(root, "handouts") == 1
    out = capsys.readouterr().out
    assert "site/handouts:0:0: error[print-worker-crashed]" in out and "Traceback" not in out
    assert [p.name for p in (root / "site" / "handouts").iterdir()] == ["old.pdf"]
