"""Pull-request content is untrusted: each attack `check` refuses with the file and position named,
and with check bypassed the build still publishes nothing live and reads nothing outside the
content (coursebuild/trust.py, render/site/csp.py, pdf.local_fetcher; SECURITY.md)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, StaticServer, build, copy_course

from coursebuild import trust
from coursebuild.markup import markdown_text, render_markdown
from coursebuild.problems import ContentError
from coursebuild.render.site.build import build_site
from coursebuild.render.site.csp import read_page, script_hash
from coursebuild.source.load import load_course

LESSON = "course/modules/fake-news.md"
QUIZ = "quizzes/first-steps.yml"
COHORT = "roster/c1"
ROSTER_SECRET = "สมชาย-ROSTER-SECRET"
SIGNATURE_SECRET = "SIGNATURE-SECRET"


def hostile_root(tmp_path: Path) -> Path:
    """The minimal course with a cohort folder beside it whose files must never leak."""
    root = copy_course("minimal", tmp_path / "course")
    cohort = root / COHORT
    cohort.mkdir(parents=True)
    (cohort / "trainees.csv").write_text(f"name,hours\n{ROSTER_SECRET},12\n", encoding="utf-8")
    (cohort / "signature-1.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="0" y="30">{SIGNATURE_SECRET}'
        "</text></svg>", encoding="utf-8")
    return root


def append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def position(root: Path, rel: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {rel}")


def check_json(root: Path, capsys) -> list[dict]:
    from coursebuild.cli import main

    code = main(["--root", str(root), "check", "--format", "json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert code == (1 if any(p["severity"] == "error" for p in problems) else 0)
    return problems


def assert_reported(problems: list[dict], code: str, path: str, line: int, column: int | None = None) -> None:
    found = [p for p in problems if p["code"] == code and p["path"] == path and p["line"] == line]
    assert found, f"no {code} at {path}:{line}; got {[(p['code'], p['path'], p['line'], p['column']) for p in problems]}"
    if column is not None:
        assert column in [p["column"] for p in found]


# --- check refuses every kind of attack, with the file, line and column --------------------------

LESSON_ATTACKS = [
    ("<script>window.planted = 1</script>", "unsafe-html", "<script"),
    ('<img src="../images/steps.svg" alt="x" onerror="alert(1)">', "unsafe-html", "onerror"),
    ("[คลิก](javascript:alert(1))", "unsafe-url", "javascript:"),
    ('<a href="vbscript:msgbox(1)">vb</a>', "unsafe-url", "vbscript:"),
    ("![รูป](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", "unsafe-url", "data:"),
    ('<a href="//evil.example/">x</a>', "unsafe-url", "//evil"),
    ('<iframe src="https://evil.example/"></iframe>', "unsafe-html", "<iframe"),
    ('<object data="x.swf"></object>', "unsafe-html", "<object"),
    ('<embed src="x.swf">', "unsafe-html", "<embed"),
    ('<form action="https://evil.example/"><input name="pin"></form>', "unsafe-html", "<form"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "unsafe-html", "<meta"),
    ('<base href="https://evil.example/">', "unsafe-html", "<base"),
    ("<style>body { display: none }</style>", "unsafe-html", "<style"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "unsafe-html", "<link"),
    ('<svg onload="alert(1)"><circle r="5"/></svg>', "unsafe-html", "<svg"),
    ('## หัวข้อ {: onclick="alert(1)" }', "unsafe-html", "onclick"),
    ('<p id="__config">ทับค่าของ Material</p>', "unsafe-html", "__config"),
    ('<a rel="attachment" href="file:///etc/passwd">passwd</a>', "path-outside", "file:///etc/passwd"),
    ('<a rel="attachment" href="file:///etc/passwd">passwd</a>', "unsafe-html", "rel="),
    (f'<a href="../../{COHORT}/trainees.csv">roster</a>', "path-outside", "../../roster"),
    (f"![ลายเซ็น](../../{COHORT}/signature-1.svg)", "path-outside", "../../roster"),
    ('<a href="/etc/passwd">passwd</a>', "path-outside", "/etc/passwd"),
]


@pytest.mark.parametrize("markdown, code, needle", LESSON_ATTACKS, ids=[a[0][:40] for a in LESSON_ATTACKS])
def test_check_refuses_each_attack_in_a_lesson_at_its_position(tmp_path, capsys, markdown, code, needle):
    root = hostile_root(tmp_path)
    append(root, LESSON, markdown)
    line, column = position(root, LESSON, needle)
    assert_reported(check_json(root, capsys), code, LESSON, line, column)


QUIZ_ATTACKS = [
    ("    prompt: อาสาสมัครดิจิทัลควรทำอะไรเมื่อเพื่อนบ้านขอความช่วยเหลือ",
     "    prompt: อาสาสมัครดิจิทัลควรทำอะไร <script>alert(3)</script>", "unsafe-html", "<script"),
    ("        feedback: ห้ามขอรหัสผ่านของผู้อื่นเด็ดขาด",
     "        feedback: '[ดูที่นี่](javascript:alert(1))'", "unsafe-url", "javascript:"),
    ("    explanation: ตรวจสอบก่อนแชร์ทุกครั้ง",
     "    explanation: ตรวจสอบ <img src=x onerror=alert(2)>", "unsafe-html", "onerror"),
    ("      - text: ขอรหัสผ่านของเพื่อนบ้าน",
     '      - text: ขอรหัสผ่าน <iframe src="https://evil.example/"></iframe>', "unsafe-html", "<iframe"),
]


@pytest.mark.parametrize("old, new, code, needle", QUIZ_ATTACKS, ids=["prompt", "feedback", "explanation", "choice"])
def test_check_refuses_each_attack_in_a_quiz_field_at_its_position(tmp_path, capsys, old, new, code, needle):
    root = hostile_root(tmp_path)
    path = root / QUIZ
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line, column = position(root, QUIZ, needle)
    assert_reported(check_json(root, capsys), code, QUIZ, line, column)


def test_check_refuses_attacks_in_front_matter_and_course_settings(tmp_path, capsys):
    root = hostile_root(tmp_path)
    lesson = root / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "  - ตรวจสอบข่าวก่อนแชร์ได้\n",
        "  - 'ตรวจสอบข่าว <a href=\"javascript:alert(4)\">ก่อนแชร์</a>'\n"
        "key_points:\n  - 'ฟัง <img src=\"../images/steps.svg\" alt=\"\" onload=\"alert(5)\">'\n"
        "references:\n  - title: แหล่ง\n    url: 'https://example.org/\" onclick=\"alert(6)'\n"), encoding="utf-8")
    config = root / "course" / "course.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      .replace("site_url: https://example.org/minimal/",
                               "site_url: 'https://example.org/\"><script>alert(7)</script>/'")
                      .replace("    short_name: ดีอีเอส", f"    short_name: ดีอีเอส\n    logo: ../{COHORT}/signature-1.svg")
                      .replace("  - glossary.md", "  - glossary.md\n  - ../../outside.md"), encoding="utf-8")
    quiz = root / QUIZ
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(
        "    explanation: ตรวจสอบก่อนแชร์ทุกครั้ง",
        f"    explanation: ตรวจสอบก่อนแชร์ทุกครั้ง\n    image:\n      src: ../{COHORT}/signature-1.svg\n      alt: ลายเซ็น"),
        encoding="utf-8")
    problems = check_json(root, capsys)
    assert_reported(problems, "unsafe-url", LESSON, *position(root, LESSON, "javascript:"))
    assert_reported(problems, "unsafe-html", LESSON, *position(root, LESSON, "onload"))
    assert_reported(problems, "unsafe-url", LESSON, *position(root, LESSON, "https://example.org/\""))
    assert_reported(problems, "unsafe-url", "course/course.yml", position(root, "course/course.yml", "site_url")[0])
    assert_reported(problems, "path-outside", "course/course.yml", *position(root, "course/course.yml", "../roster"))
    assert_reported(problems, "path-outside", "course/course.yml", *position(root, "course/course.yml", "../../outside"))
    assert_reported(problems, "path-outside", QUIZ, position(root, QUIZ, "- id: share")[0])


@pytest.mark.parametrize("where", ["course/images", "quizzes", "theme", COHORT])
def test_check_refuses_a_symbolic_link_in_any_content_folder(tmp_path, capsys, where):
    root = hostile_root(tmp_path)
    (root / where).mkdir(parents=True, exist_ok=True)
    (root / where / "roster-link").symlink_to((root / "roster").resolve(), target_is_directory=True)
    problems = check_json(root, capsys)
    assert_reported(problems, "symlink", f"{where}/roster-link", 0)


def test_a_cohort_logo_outside_its_folder_is_refused(tmp_path):
    from coursebuild.certificates.roster import load_cohort

    root = copy_course("sample", tmp_path)
    cohort = root / "roster" / "sample-2565-bkk"
    config = cohort / "cohort.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("logo: logo-pm.svg", "logo: ../../course/images/stop-check-share.svg"),
                      encoding="utf-8")
    loaded = load_cohort(cohort, root, "osd-village-digital-volunteer", False)
    codes = [(p.code, p.line) for p in loaded.problems]
    assert ("path-outside", position(root, "roster/sample-2565-bkk/cohort.yml", "../../course")[0]) in codes


def test_a_page_outside_the_course_is_never_read_or_rewritten(tmp_path, capsys):
    root = hostile_root(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: ข้างนอก\n---\nOUTSIDE-TEXT\n", encoding="utf-8")
    before = outside.read_bytes()
    config = root / "course" / "course.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - glossary.md", "  - glossary.md\n  - ../../outside.md"),
                      encoding="utf-8")
    assert build(root, "site") == 1
    assert "path-outside" in capsys.readouterr().out
    course, problems = load_course(root)  # check bypassed: the loader itself refuses to read it
    assert course is not None and all(p.name != "../../outside.md" for p in course.pages)
    build_site(course)
    assert outside.read_bytes() == before
    assert not any("OUTSIDE-TEXT" in p.read_text(encoding="utf-8", errors="ignore")
                   for p in (root / "site").rglob("*") if p.is_file())


# --- with check bypassed, the site has nothing live ----------------------------------------------

HOSTILE_TITLE = 'ก้าว\\q "แรก" <script>alert(1)</script> <img src=x onerror=alert(1)>'


def hostile_course(tmp_path: Path):
    """Every attack at once (except paths the engine itself refuses), loaded without `check`."""
    root = hostile_root(tmp_path)
    for markdown, *_ in LESSON_ATTACKS:
        if "roster" not in markdown:  # MkDocs refuses those links itself; print is tested below
            append(root, LESSON, "\n" + markdown)
    append(root, LESSON, "\nคำในนโยบาย 'osd-script-hashes' เป็นแค่ข้อความ")  # must not break the policy step
    for old, new, *_ in QUIZ_ATTACKS:
        path = root / QUIZ
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    first = root / "course" / "modules" / "first-steps.md"
    text = first.read_text(encoding="utf-8")
    title = "title: '" + HOSTILE_TITLE.replace("'", "''") + "'"
    first.write_text(re.sub(r"^title: .*$", lambda _: title, text, count=1, flags=re.M), encoding="utf-8")
    course, _ = load_course(root)
    return root, course


def test_hostile_content_built_without_check_publishes_nothing_live(tmp_path):
    root, course = hostile_course(tmp_path)
    site = build_site(course)
    allowed = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        parsed = read_page(text)
        assert parsed.findings == [], (page, parsed.findings)
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
        allowed = set(re.findall(r"'sha256-[^']+'", policy))
        assert all(script_hash(s) in allowed for s in parsed.scripts)
        assert "planted" not in text and "<script>alert" not in text, page
        # Tags and attributes are read by read_page's parser (findings above); these are the
        # attacks' own strings, which must not survive even as text inside a tag.
        for pattern in (r"<iframe", r"<object", r"<embed", r"<svg onload", r"<form action",
                        r"javascript:", r"vbscript:", r'id="__config">ทับ', r"<style>body", r'="https://evil'):
            assert not re.search(pattern, text, re.I), (page, pattern)
    assert len(allowed) <= 8  # the templates' own scripts only, not one per page
    title = (site / "modules" / "first-steps" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in title and "&lt;script&gt;alert(1)&lt;/script&gt;" in title


def test_titles_with_backslashes_quotes_markup_and_thai_show_as_text(tmp_path, phone):
    """Regression: front matter was written by hand, so a backslash was lost and \\q crashed."""
    root, course = hostile_course(tmp_path)
    server = StaticServer(root / "site")
    try:
        build_site(dataclasses.replace(course, config=dataclasses.replace(course.config, site_url=server.url)))
        dialogs: list[str] = []
        phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        phone.goto(server.url + "modules/first-steps/")
        expected = f"1. {HOSTILE_TITLE}"
        assert phone.title().startswith(expected)
        assert phone.locator("article h1").inner_text().strip().rstrip("¶").strip() == expected
        assert expected in phone.locator(".md-nav__link").all_inner_texts()
        phone.goto(server.url)
        assert phone.locator(".osd-modules__title").first.inner_text() == HOSTILE_TITLE
        phone.goto(server.url + "quiz/fake-news/")
        phone.wait_for_selector("form[data-quiz-id='fake-news']")
        assert dialogs == [] and phone.evaluate("typeof window.planted") == "undefined"
    finally:
        server.close()


def test_a_script_planted_in_the_built_html_does_not_run(tmp_path, phone):
    root = copy_course("minimal", tmp_path)
    server = StaticServer(root / "site")
    try:
        assert build(root, "site", "--site-url", server.url) == 0
        page = root / "site" / "modules" / "first-steps" / "index.html"
        planted = "<script>window.planted = 1; document.title = 'pwned'</script>"
        page.write_text(page.read_text(encoding="utf-8").replace("</article>", planted + "</article>"),
                        encoding="utf-8")
        violations: list[str] = []
        phone.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        phone.goto(server.url + "modules/first-steps/")
        phone.wait_for_selector(".osd-search-button")  # assets/search.js ran: it adds the button
        assert phone.evaluate("typeof window.planted") == "undefined"
        assert phone.title() != "pwned"
        assert any("inline script" in v for v in violations), violations
        # The page's own scripts still run: the engine's inline helper and our search button.
        assert phone.evaluate("typeof __md_scope") == "object"
    finally:
        server.close()


NORMAL_PAGES = ["", "modules/first-steps/", "modules/fake-news/", "quiz/first-steps/", "glossary/", "progress/",
                "verify/", "404.html"]


def test_normal_pages_run_under_the_policy_without_a_single_violation(minimal_site, phone):
    root, url = minimal_site
    for page in (root / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert text.count('http-equiv="Content-Security-Policy"') == 1 and "'sha256-" in text, page
    assert not (root / "site" / "preview").exists()  # the live-reload script is the preview's only
    messages: list[str] = []
    phone.on("console", lambda m: messages.append(m.text))
    phone.on("pageerror", lambda e: messages.append(str(e)))
    for path in NORMAL_PAGES:
        phone.goto(url + path, wait_until="networkidle")
    phone.goto(url + "modules/first-steps/")
    phone.locator(".osd-search-button").click()
    phone.locator("#osd-search-input").press_sequentially("ข่าวปลอม")
    phone.wait_for_selector("a.osd-search__link", timeout=60_000)  # the index loads on demand
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []


# --- print: nothing outside the content is read ---------------------------------------------------

def test_print_with_check_bypassed_attaches_nothing_and_prints_no_roster(tmp_path):
    from coursebuild.render.print.handouts import (
        plan_print,
        read_print_css,
        readable_folders,
        render_job,
    )
    from coursebuild.render.print.printdoc import print_dir

    root = hostile_root(tmp_path)
    append(root, LESSON, "\n".join([
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>', "",
        '<link rel="attachment" href="file:///etc/passwd">', "",
        f'<a rel="attachment" href="../../{COHORT}/trainees.csv">roster</a>', "",
        f"![ลายเซ็น](../../{COHORT}/signature-1.svg)", "",
        f'<img src="file://{(root / COHORT / "signature-1.svg").as_posix()}" alt="sig">']))
    course, _ = load_course(root)
    jobs, _ = plan_print(course)  # the problems found here are what check reports: ignored on purpose
    job = next(job for job in jobs if job.file.endswith("fake-news.pdf"))
    out = tmp_path / "pdf"
    out.mkdir()
    printed, problems = render_job(job, out, read_print_css(course), print_dir(root).as_uri() + "/",
                                   readable_folders(course))
    assert printed is not None and problems == []
    pdf = out / "fake-news.pdf"
    attached = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert attached.strip() == "0 embedded files"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "ตรวจสอบก่อนแชร์" in text  # the lesson itself printed
    assert ROSTER_SECRET not in text and SIGNATURE_SECRET not in text and "root:" not in text


def test_print_refuses_an_image_that_links_out_of_the_course(tmp_path):
    """A symbolic link in course/images/ to a roster file: check refuses the link, print refuses
    the image, and WeasyPrint would not read it anyway."""
    from coursebuild.render.print.handouts import build_handouts

    root = hostile_root(tmp_path)
    (root / "course" / "images" / "sig.svg").symlink_to(root / COHORT / "signature-1.svg")
    append(root, LESSON, "![ลายเซ็น](../images/sig.svg)")
    course, _ = load_course(root)
    with pytest.raises(ContentError) as raised:
        build_handouts(course, workers=1)
    assert any(p.code == "path-outside" for p in raised.value.problems)
    assert not (root / "site" / "handouts").exists()


def test_the_pdf_url_fetcher_reads_only_allowed_folders(tmp_path):
    from coursebuild.pdf import local_fetcher

    allowed = tmp_path / "course"
    allowed.mkdir()
    (allowed / "ok.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "secret.csv").write_text("secret", encoding="utf-8")
    (allowed / "link.svg").symlink_to(tmp_path / "secret.csv")
    fetcher = local_fetcher((str(allowed),))
    assert fetcher((allowed / "ok.svg").as_uri()).read() == b"<svg/>"
    assert fetcher("data:text/plain,hi").read() == b"hi"
    for url in ["file:///etc/passwd", (tmp_path / "secret.csv").as_uri(), (allowed / "link.svg").as_uri(),
                (allowed / ".." / "secret.csv").as_uri(), "http://127.0.0.1:9/", "https://example.org/x.png",
                "ftp://example.org/x"]:
        with pytest.raises(ValueError, match="refused"):
            fetcher(url)


# --- files stay inside the content ----------------------------------------------------------------

def test_a_symbolic_link_in_course_images_publishes_nothing(tmp_path):
    root = hostile_root(tmp_path)
    assert build(root, "site") == 0
    before = sorted(p.relative_to(root / "site") for p in (root / "site").rglob("*"))
    (root / "course" / "images" / "roster").symlink_to((root / "roster").resolve(), target_is_directory=True)
    assert build(root, "site") == 1  # check refuses it
    course, _ = load_course(root)
    with pytest.raises(ContentError) as raised:  # and so does the build, with check bypassed
        build_site(course)
    assert [p.code for p in raised.value.problems] == ["symlink"]
    assert sorted(p.relative_to(root / "site") for p in (root / "site").rglob("*")) == before
    for path in (root / "site").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            assert ROSTER_SECRET not in text and "trainees.csv" not in text and "roster/" not in text, path


def _checksums(folders: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.timeout(600)
def test_a_full_build_never_writes_into_content(tmp_path):
    root = copy_course("sample", tmp_path)
    content = [root / "course", root / "quizzes", ROOT / "theme"]
    before = _checksums(content) | {"mkdocs.yml": (ROOT / "mkdocs.yml").read_text(encoding="utf-8")}
    assert build(root, "build") == 0
    assert (root / "site" / "index.html").is_file() and (root / "site" / "handouts" / "course-book.pdf").is_file()
    assert _checksums(content) | {"mkdocs.yml": (ROOT / "mkdocs.yml").read_text(encoding="utf-8")} == before


# --- the allow-list itself ---------------------------------------------------------------------

def test_what_lessons_use_survives_cleaning():
    markdown = "\n".join([
        "## หัวข้อ {#topic .special}", "", "**หนา** *เอียง* `โค้ด` [ลิงก์](../glossary.md#x) [โทร](tel:1441)", "",
        "| ก | ข |", "|:--|:-:|", "| 1 | 2 |", "", "คำ", ":   ความหมาย", "",
        '!!! note "หมายเหตุ"', "    ข้อความ", "", '??? tip "เปิดดู"', "    ซ่อนไว้", "",
        "![รูป](../images/x.svg){ width=200 }", "", "<abbr title=\"อาสาสมัครดิจิทัล\">อสด.</abbr>", "",
        "```", "<b>code</b>", "```"])
    raw = render_markdown(ROOT, markdown, sanitise=False)
    assert trust.dropped(raw, "course/modules/x.md") == []
    assert trust.clean(raw, "course/modules/x.md").count("<") == raw.replace("<br />", "<br>").count("<")


def test_markdown_text_renders_to_exactly_the_text():
    for text in ['1. <img src=x onerror=alert(1)>', 'ก้าว\\q "แรก" **x** {: onclick=y} [a](javascript:b) & | #',
                 "ข่าวปลอม (Fake news)"]:
        html = render_markdown(ROOT, "# " + markdown_text(text))
        inner = re.sub(r'<a class="headerlink".*?</a>', "", re.search(r"<h1[^>]*>(.*)</h1>", html).group(1))
        import html as html_module

        assert html_module.unescape(inner) == text


def test_certificate_rendering_reads_only_the_cohort_images_it_names(tmp_path):
    from coursebuild.certificates.html import readable_files
    from coursebuild.certificates.pool import Job, render_job
    from coursebuild.certificates.roster import load_cohort

    root = copy_course("sample", tmp_path)
    course, _ = load_course(root)
    cohort = load_cohort(root / "roster" / "sample-2565-bkk", root, course.config.id, False).cohort
    allowed = readable_files(root, cohort)
    assert str(cohort.folder / "signature-1.svg") in allowed and str(cohort.folder) not in allowed
    base = cohort.folder.as_uri() + "/"
    page = '<html><body style="font-family: Sarabun"><section><p>x</p><img src="{}" alt=""></section></body></html>'
    assert render_job(Job("", base, page.format("signature-1.svg"), allowed=allowed, source="t")).problems == []
    for src in ["trainees.csv", "numbers.csv", "file:///etc/passwd", "http://127.0.0.1:9/x.png"]:
        result = render_job(Job("", base, page.format(src), allowed=allowed, source="t"))
        assert result.part is None and any("refused" in p.message for p in result.problems), src


# --- caches and outputs never come from a commit ------------------------------------------------

def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"})


@pytest.mark.pdf
def test_a_committed_print_cache_entry_is_refused_before_it_is_published(tmp_path, capsys, monkeypatch):
    root = copy_course("minimal", tmp_path / "project")
    assert build(root, "handouts") == 0
    entries = sorted((root / "build" / "print-cache").glob("*.pdf"))
    assert entries, "the handouts build left no cache entry to plant"
    planted = b"%PDF-1.7\n% planted by a pull request\n"
    for entry in entries:  # what an attacker who knows the keys would commit
        entry.write_bytes(planted)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "add", "-f", "build/print-cache")
    _git(root, "commit", "-q", "-m", "content and a planted cache")
    (root / "site").rename(root / "site-before")

    # The attack is real: with the check switched off, the planted bytes become a public handout.
    monkeypatch.setattr("coursebuild.checks.check_tracked_outputs", lambda root: [])
    assert build(root, "handouts") == 0
    assert any(p.read_bytes() == planted for p in (root / "site" / "handouts").glob("*.pdf"))
    monkeypatch.undo()

    capsys.readouterr()
    assert build(root, "handouts") == 1
    out = capsys.readouterr().out
    assert re.search(r"build/print-cache/[0-9a-f]+\.(json|pdf):0:0: error\[tracked-output\]: \d+ file\(s\) under build/", out)
    assert "git rm -r --cached build/" in out
    assert "Traceback" not in out


def test_outputs_are_not_checked_outside_a_git_checkout(tmp_path):
    from coursebuild.checks.safety import check_tracked_outputs

    root = copy_course("minimal", tmp_path / "project")
    (root / "build").mkdir()
    (root / "build" / "x.pdf").write_bytes(b"%PDF")
    assert check_tracked_outputs(root) == []
    _git(root, "init", "-q")
    assert check_tracked_outputs(root) == []  # present but untracked: the build's own cache
    _git(root, "add", "-f", "build/x.pdf")
    assert [p.code for p in check_tracked_outputs(root)] == ["tracked-output"]
